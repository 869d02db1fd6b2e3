package io.pipewatch.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictModelTest {
  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
      spec:
        replicas: %s
        selector:
          matchLabels: {app: d}
        template:
          metadata:
            labels: {app: d}
          spec:
            containers:
              - name: c
                image: i
                readinessProbe:
                  httpGet:
                    %s: /ready
                    port: 8558
      """;

  @Test
  void aValidStreamOfObjectsIsTyped() {
    List<HasMetadata> objects =
        StrictModel.parseAll(
            DEPLOYMENT.formatted("2", "path")
                + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: s\n");
    assertThat(objects).hasSize(2);
    assertThat(objects.get(0)).isInstanceOf(Deployment.class);
    assertThat(((Deployment) objects.get(0)).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void aMisspelledFieldDeepInsideIsNamed() {
    assertThatThrownBy(() -> StrictModel.parseAll(DEPLOYMENT.formatted("2", "paht")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "Deployment/d.spec.template.spec.containers[0].readinessProbe.httpGet.paht");
  }

  @Test
  void aWrongTypeFails() {
    assertThatThrownBy(() -> StrictModel.parseAll(DEPLOYMENT.formatted("three", "path")))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void anUnknownKindFails() {
    assertThatThrownBy(
            () ->
                StrictModel.parseAll(
                    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Widget");
  }
}
