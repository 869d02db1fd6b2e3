package io.pipewatch.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/kubernetes as a cluster would receive it: each overlay rendered by the real {@code kubectl
 * kustomize} (offline), every object parsed strictly by fabric8's model, and the properties that
 * keep a Pipewatch cluster healthy and safe asserted on the typed objects.
 */
class KubernetesManifestsIT {
  private static final Path OVERLAYS = Tools.ROOT.resolve("deploy/kubernetes/overlays");
  private static final int MANAGEMENT_PORT = 8558;
  private static final int REMOTING_PORT = 25520;
  private static final Pattern ENV_READ = Pattern.compile("\\$\\{\\?(PIPEWATCH_[A-Z0-9_]+)}");

  /** Read by bin/pipewatch and ServerConfig rather than by a reference.conf. */
  private static final Set<String> SCRIPT_ENV =
      Set.of("PIPEWATCH_CONFIG", "PIPEWATCH_MAX_RAM_PERCENTAGE");

  static List<HasMetadata> render(String overlay) {
    Tools.Run run =
        Tools.run(
            Tools.ROOT, List.of("kubectl", "kustomize", OVERLAYS.resolve(overlay).toString()));
    assertThat(run.exitCode()).as("kubectl kustomize " + overlay + ":\n" + run.output()).isZero();
    return StrictModel.parseAll(run.output());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyOverlayRendersAndParsesStrictly(String overlay) throws IOException {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      assertThat(dirs.map(d -> d.getFileName().toString()))
          .as("every overlay is checked here")
          .containsExactlyInAnyOrder("dev", "prod");
    }
    List<HasMetadata> objects = render(overlay);
    assertThat(objects.stream().map(HasMetadata::getKind))
        .contains(
            "Deployment",
            "Service",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "PodDisruptionBudget",
            "ConfigMap",
            "Secret",
            "NetworkPolicy");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theDeploymentProbesManagementAndRunsLockedDown(String overlay) {
    List<HasMetadata> objects = render(overlay);
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);

    assertProbe(c, c.getLivenessProbe(), "/alive");
    assertProbe(c, c.getStartupProbe(), "/alive");
    assertProbe(c, c.getReadinessProbe(), "/ready");

    for (String kind : List.of("cpu", "memory")) {
      assertThat(c.getResources().getRequests()).as("requests").containsKey(kind);
      assertThat(c.getResources().getLimits()).as("limits").containsKey(kind);
    }
    assertThat(c.getResources().getLimits().get("memory"))
        .as("memory limit = request: the JVM sizes its heap from the limit")
        .isEqualTo(c.getResources().getRequests().get("memory"));

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotNull().isNotZero();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
    assertThat(c.getVolumeMounts().stream().map(VolumeMount::getMountPath))
        .as("writable places on a read-only root filesystem")
        .contains("/tmp", "/var/lib/pipewatch");

    List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    long preStopSeconds = Long.parseLong(preStop.get(1));
    assertThat(pod.getTerminationGracePeriodSeconds())
        .as("grace covers preStop plus a coordinated shutdown of up to 30 s")
        .isGreaterThanOrEqualTo(preStopSeconds + 30);

    assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8080")
        .containsEntry("prometheus.io/path", "/metrics");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .as("kubernetes-api discovery selects app=pipewatch")
        .containsEntry("app", "pipewatch");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void configAndSecretsTheDeploymentNamesExist(String overlay) {
    List<HasMetadata> objects = render(overlay);
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);

    String configPath = env(c, "PIPEWATCH_CONFIG").orElseThrow().getValue();
    Volume configVolume =
        pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
    VolumeMount mount =
        c.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(configVolume.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(configPath).isEqualTo(mount.getMountPath() + "/application.conf");
    ConfigMap config = one(objects, ConfigMap.class, configVolume.getConfigMap().getName());
    assertThat(config.getData()).containsKey("application.conf");
    Config parsed = ConfigFactory.parseString(config.getData().get("application.conf"));
    assertThat(parsed.getString("pipewatch.cluster.discovery")).isEqualTo("kubernetes-api");

    for (EnvFromSource from : c.getEnvFrom()) {
      one(objects, Secret.class, from.getSecretRef().getName());
    }
    for (EnvVar var : c.getEnv()) {
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        Secret secret = one(objects, Secret.class, var.getValueFrom().getSecretKeyRef().getName());
        assertThat(keys(secret)).contains(var.getValueFrom().getSecretKeyRef().getKey());
      }
    }
    assertThat(
            env(c, "PIPEWATCH_CLUSTER_HOSTNAME")
                .orElseThrow()
                .getValueFrom()
                .getFieldRef()
                .getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(objects.stream().filter(o -> o instanceof Secret).map(o -> (Secret) o))
        .as("secret templates")
        .extracting(s -> s.getMetadata().getName())
        .contains("pipewatch-api-tokens", "pipewatch-cassandra", "pipewatch-smtp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theSettingsTheManifestsSetAreOnesTheServerReads(String overlay) throws IOException {
    List<HasMetadata> objects = render(overlay);
    Set<String> read = new TreeSet<>(SCRIPT_ENV);
    Config reference = ConfigFactory.empty();
    for (Path conf : referenceConfs()) {
      String text = Files.readString(conf);
      Matcher m = ENV_READ.matcher(text);
      while (m.find()) {
        read.add(m.group(1));
      }
      reference = reference.withFallback(ConfigFactory.parseString(text));
    }
    Set<String> set = new TreeSet<>();
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    c.getEnv().stream()
        .map(EnvVar::getName)
        .filter(n -> n.startsWith("PIPEWATCH_"))
        .forEach(set::add);
    for (EnvFromSource from : c.getEnvFrom()) {
      set.addAll(keys(one(objects, Secret.class, from.getSecretRef().getName())));
    }
    assertThat(read).as("environment variables the server reads").containsAll(set);
    reference =
        reference.resolve(
            com.typesafe.config.ConfigResolveOptions.defaults().setAllowUnresolved(true));

    ConfigMap config = one(objects, ConfigMap.class, configMapName(deployment));
    Config deploymentConf =
        ConfigFactory.parseString(config.getData().get("application.conf")).resolve();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : deploymentConf.entrySet()) {
      if (e.getKey().startsWith("pipewatch.") && !reference.hasPathOrNull(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    assertThat(unknown).as("application.conf keys no reference.conf defines").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void discoveryMayReadPodsAndNothingElse(String overlay) {
    List<HasMetadata> objects = render(overlay);
    assertThat(objects.stream().map(HasMetadata::getKind))
        .as("no cluster-wide permissions")
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    one(objects, io.fabric8.kubernetes.api.model.ServiceAccount.class, account);
    List<RoleBinding> bindings =
        objects.stream()
            .filter(o -> o instanceof RoleBinding)
            .map(o -> (RoleBinding) o)
            .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getName().equals(account)))
            .toList();
    assertThat(bindings).hasSize(1);
    assertThat(bindings.get(0).getRoleRef().getKind()).isEqualTo("Role");
    Role role = one(objects, Role.class, bindings.get(0).getRoleRef().getName());
    assertThat(role.getRules()).hasSize(1);
    PolicyRule rule = role.getRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("");
    assertThat(rule.getResources()).containsExactly("pods");
    assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "watch", "list");
    assertThat(rule.getResourceNames()).isNullOrEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void onlyPipewatchPodsReachRemotingAndManagementAndServicesExposeHttpAndManagement(
      String overlay) {
    List<HasMetadata> objects = render(overlay);
    NetworkPolicy policy = one(objects, NetworkPolicy.class, "pipewatch");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app", "pipewatch");
    assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
    // remoting, and management (membership, bootstrap; issue 24), only from Pipewatch pods
    for (int port : new int[] {REMOTING_PORT, MANAGEMENT_PORT}) {
      boolean allowed = false;
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        boolean covers =
            rule.getPorts() == null
                || rule.getPorts().isEmpty()
                || rule.getPorts().stream()
                    .anyMatch(
                        p ->
                            p.getPort() != null
                                && Integer.valueOf(port).equals(p.getPort().getIntVal()));
        if (!covers) {
          continue;
        }
        allowed = true;
        assertThat(rule.getFrom())
            .as("a rule letting in port %s names its peers", port)
            .isNotEmpty();
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          assertThat(peer.getIpBlock()).isNull();
          assertThat(peer.getNamespaceSelector()).isNull();
          assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app", "pipewatch");
        }
      }
      assertThat(allowed).as("Pipewatch pods may reach each other's port %s", port).isTrue();
    }

    Set<Integer> servicePorts = new TreeSet<>();
    objects.stream()
        .filter(
            o -> o instanceof Service s && "pipewatch".equals(s.getSpec().getSelector().get("app")))
        .flatMap(o -> ((Service) o).getSpec().getPorts().stream())
        .map(ServicePort::getPort)
        .forEach(servicePorts::add);
    assertThat(servicePorts).contains(8080, MANAGEMENT_PORT, REMOTING_PORT);
  }

  @org.junit.jupiter.api.Test
  void devIsOneNodeWithItsOwnCassandra() {
    List<HasMetadata> objects = render("dev");
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "PIPEWATCH_REQUIRED_CONTACT_POINTS").orElseThrow().getValue()).isEqualTo("1");
    StatefulSet cassandra = one(objects, StatefulSet.class, "cassandra");
    assertThat(cassandra.getSpec().getReplicas()).isEqualTo(1);
    assertThat(cassandra.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    Service service = one(objects, Service.class, cassandra.getSpec().getServiceName());
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    String contactPoints =
        keysAndValues(one(objects, Secret.class, "pipewatch-cassandra"))
            .get("PIPEWATCH_CASSANDRA_CONTACT_POINTS");
    assertThat(contactPoints)
        .isEqualTo(
            cassandra.getMetadata().getName() + "-0." + service.getMetadata().getName() + ":9042");
  }

  @org.junit.jupiter.api.Test
  void prodIsThreeNodesOnThreeMachinesWithTlsRemoting() {
    List<HasMetadata> objects = render("prod");
    Deployment deployment = one(objects, Deployment.class, "pipewatch");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertThat(env(c, "PIPEWATCH_REQUIRED_CONTACT_POINTS").orElseThrow().getValue()).isEqualTo("3");
    assertThat(env(c, "PIPEWATCH_REMOTING_TLS").orElseThrow().getValue()).isEqualTo("true");
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .isNullOrEmpty();
    for (String store : List.of("PIPEWATCH_REMOTING_KEY_STORE", "PIPEWATCH_REMOTING_TRUST_STORE")) {
      String path = env(c, store).orElseThrow().getValue();
      assertThat(c.getVolumeMounts())
          .as(store + " is on a mounted volume")
          .anyMatch(m -> path.startsWith(m.getMountPath() + "/"));
    }
    assertThat(objects.stream().map(HasMetadata::getKind)).doesNotContain("StatefulSet");
  }

  private static void assertProbe(Container c, Probe probe, String path) {
    assertThat(probe).as(path + " probe").isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    String portName = probe.getHttpGet().getPort().getStrVal();
    Integer port =
        portName == null
            ? probe.getHttpGet().getPort().getIntVal()
            : c.getPorts().stream()
                .filter(p -> portName.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + portName));
    assertThat(port).as(path + " on the management port").isEqualTo(MANAGEMENT_PORT);
  }

  private static <T extends HasMetadata> T one(
      List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found =
        objects.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(o -> o.getMetadata().getName().equals(name))
            .toList();
    assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
    return found.get(0);
  }

  private static Optional<EnvVar> env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static Set<String> keys(Secret secret) {
    return keysAndValues(secret).keySet();
  }

  private static Map<String, String> keysAndValues(Secret secret) {
    Map<String, String> all = new java.util.TreeMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach((k, v) -> all.put(k, new String(java.util.Base64.getDecoder().decode(v))));
    }
    if (secret.getStringData() != null) {
      all.putAll(secret.getStringData());
    }
    return all;
  }

  private static String configMapName(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getConfigMap() != null)
        .findFirst()
        .orElseThrow()
        .getConfigMap()
        .getName();
  }

  private static List<Path> referenceConfs() throws IOException {
    List<Path> confs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(Tools.ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path resources = module.resolve("src/main/resources");
        if (!Files.isDirectory(resources)) {
          continue;
        }
        try (Stream<Path> files = Files.list(resources)) {
          files.filter(f -> f.getFileName().toString().endsWith(".conf")).forEach(confs::add);
        }
      }
    }
    assertThat(confs).isNotEmpty();
    return confs;
  }
}
