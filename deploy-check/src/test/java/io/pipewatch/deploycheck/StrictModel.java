package io.pipewatch.deploycheck;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads rendered manifests into fabric8's typed Kubernetes model and refuses anything the model
 * does not know: a wrong type fails in the parser, an unknown (misspelled, misplaced) field lands
 * in some object's {@code additionalProperties}, which this class walks the whole object graph for.
 */
final class StrictModel {
  private StrictModel() {}

  /** Every document of a multi-document YAML stream, typed by its apiVersion and kind. */
  static List<HasMetadata> parseAll(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.isBlank()) {
        continue;
      }
      Object parsed = Serialization.unmarshal(document);
      if (!(parsed instanceof HasMetadata object)) {
        throw new AssertionError("not a Kubernetes object: " + parsed + "\n" + document);
      }
      if (object.getClass().getPackageName().equals("io.fabric8.kubernetes.api.model")
          && object.getClass().getSimpleName().equals("GenericKubernetesResource")) {
        throw new AssertionError(
            "no typed model for " + object.getApiVersion() + " " + object.getKind());
      }
      List<String> unknown = new ArrayList<>();
      unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
      if (!unknown.isEmpty()) {
        throw new AssertionError("fields the Kubernetes model does not know: " + unknown);
      }
      objects.add(object);
    }
    return objects;
  }

  /** Paths (e.g. {@code Deployment/x.spec.template.spec.containers[0].foo}) of unknown fields. */
  static void unknownFields(Object node, String path, List<String> found) {
    if (node == null) {
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", found));
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (!(node instanceof KubernetesResource)
        && !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
        continue;
      }
      String field = getter.getName().substring(3);
      unknownFields(
          value, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), found);
    }
  }
}
