package io.pipewatch.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * deploy/Dockerfile without a Docker engine (none runs here): it parses as a sequence of known
 * instructions, every COPY/ADD source exists (the build context's in the repository, the build
 * stage's under the {@code /src} it builds in, after {@code mvn package}), every reactor module
 * reaches the build stage, and the runtime stage is a non-root JRE 17 that stops on SIGTERM.
 */
class DockerfileIT {
  private static final Path DOCKERFILE = Tools.ROOT.resolve("deploy/Dockerfile");
  private static final Set<String> INSTRUCTIONS =
      Set.of(
          "FROM",
          "RUN",
          "CMD",
          "LABEL",
          "EXPOSE",
          "ENV",
          "ADD",
          "COPY",
          "ENTRYPOINT",
          "VOLUME",
          "USER",
          "WORKDIR",
          "ARG",
          "ONBUILD",
          "STOPSIGNAL",
          "HEALTHCHECK",
          "SHELL");
  private static final Pattern ARG_REF = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");

  /** One instruction: its keyword, its flags (--from=...), and its other words. */
  record Instruction(int line, String keyword, Map<String, String> flags, List<String> words) {}

  static List<Instruction> parse(List<String> lines) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int start = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (current.length() == 0 && (line.isBlank() || line.stripLeading().startsWith("#"))) {
        continue;
      }
      if (current.length() == 0) {
        start = i + 1;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String[] words = current.toString().trim().split("\\s+");
      current.setLength(0);
      String keyword = words[0];
      assertThat(keyword).as("line " + start + ": instruction in upper case").isUpperCase();
      assertThat(INSTRUCTIONS).as("line " + start).contains(keyword);
      Map<String, String> flags = new HashMap<>();
      List<String> rest = new ArrayList<>();
      for (int w = 1; w < words.length; w++) {
        if (rest.isEmpty() && words[w].startsWith("--")) {
          String[] kv = words[w].substring(2).split("=", 2);
          flags.put(kv[0], kv.length > 1 ? kv[1] : "");
        } else {
          rest.add(words[w]);
        }
      }
      out.add(new Instruction(start, keyword, flags, rest));
    }
    assertThat(current.toString()).as("no dangling line continuation").isEmpty();
    return out;
  }

  @Test
  void everyCopySourceExistsAfterThePackagePhase() throws Exception {
    List<Instruction> instructions = parse(Files.readAllLines(DOCKERFILE));
    assertThat(instructions.get(0).keyword()).isIn("FROM", "ARG");
    Map<String, String> args = new HashMap<>();
    Map<String, String> stageWorkdir = new HashMap<>();
    String stage = null;
    String workdir = "/";
    List<String> checked = new ArrayList<>();
    for (Instruction in : instructions) {
      switch (in.keyword()) {
        case "FROM" -> {
          stage = in.words().size() >= 3 ? in.words().get(2) : "stage" + in.line();
          workdir = "/";
        }
        case "ARG" -> {
          String[] kv = in.words().get(0).split("=", 2);
          args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        case "WORKDIR" -> {
          workdir = in.words().get(0);
          stageWorkdir.put(stage, workdir);
        }
        case "COPY", "ADD" -> {
          List<String> words = in.words();
          assertThat(words)
              .as("line " + in.line() + ": sources and a destination")
              .hasSizeGreaterThan(1);
          for (String source : words.subList(0, words.size() - 1)) {
            String expanded = expand(source, args, in.line());
            Path local;
            String from = in.flags().get("from");
            if (from == null) {
              local = Tools.ROOT.resolve(expanded);
            } else {
              String buildRoot = stageWorkdir.get(from);
              assertThat(buildRoot)
                  .as("line " + in.line() + ": stage " + from + " has a WORKDIR")
                  .isNotNull();
              assertThat(expanded).as("line " + in.line()).startsWith(buildRoot + "/");
              local = Tools.ROOT.resolve(expanded.substring(buildRoot.length() + 1));
            }
            assertThat(local).as("line " + in.line() + ": COPY source " + source).exists();
            checked.add(source);
          }
        }
        default -> {}
      }
    }
    assertThat(checked).as("sources checked").hasSizeGreaterThan(5);
  }

  @Test
  void theBuildStageHasEveryModuleAndTheVersionMatchesThePom() throws Exception {
    List<Instruction> instructions = parse(Files.readAllLines(DOCKERFILE));
    Set<String> copied = new java.util.HashSet<>();
    for (Instruction in : instructions) {
      if (in.keyword().equals("COPY") && !in.flags().containsKey("from")) {
        copied.addAll(in.words().subList(0, in.words().size() - 1));
      }
    }
    var pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Tools.ROOT.resolve("pom.xml").toFile());
    NodeList modules = pom.getElementsByTagName("module");
    assertThat(modules.getLength()).isGreaterThan(5);
    for (int i = 0; i < modules.getLength(); i++) {
      assertThat(copied)
          .as("Maven reads every module's pom")
          .contains(modules.item(i).getTextContent());
    }
    assertThat(copied).contains("pom.xml", "application.conf");
    String version =
        ((Element) pom.getDocumentElement().getElementsByTagName("version").item(0))
            .getTextContent();
    String arg =
        instructions.stream()
            .filter(
                in ->
                    in.keyword().equals("ARG")
                        && in.words().get(0).startsWith("PIPEWATCH_VERSION="))
            .map(in -> in.words().get(0).substring("PIPEWATCH_VERSION=".length()))
            .findFirst()
            .orElseThrow();
    assertThat(arg).as("ARG PIPEWATCH_VERSION follows the pom").isEqualTo(version);
  }

  @Test
  void theRuntimeStageIsANonRootJre17StoppedBySigterm() throws IOException {
    List<Instruction> instructions = parse(Files.readAllLines(DOCKERFILE));
    List<Instruction> froms =
        instructions.stream().filter(i -> i.keyword().equals("FROM")).toList();
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0).words().get(0)).startsWith("maven:").contains("17");
    assertThat(froms.get(1).words().get(0)).isEqualTo("eclipse-temurin:17-jre");
    List<Instruction> runtime =
        instructions.subList(instructions.indexOf(froms.get(1)), instructions.size());
    Instruction user = last(runtime, "USER");
    String uid = user.words().get(0).split(":")[0];
    assertThat(uid).as("numeric, so Kubernetes' runAsNonRoot can verify it").matches("[0-9]+");
    assertThat(Integer.parseInt(uid)).isNotZero();
    assertThat(last(runtime, "STOPSIGNAL").words()).containsExactly("SIGTERM");
    assertThat(String.join(" ", last(runtime, "ENTRYPOINT").words()))
        .as("exec form: the script is PID 1 and execs the JVM")
        .isEqualTo("[\"/opt/pipewatch/bin/pipewatch\"]");
    assertThat(String.join(" ", last(runtime, "VOLUME").words()))
        .contains("/var/lib/pipewatch", "/tmp");
    assertThat(String.join(" ", last(runtime, "EXPOSE").words())).contains("8080", "8558", "25520");
    Path script = Tools.ROOT.resolve("api/src/dist/bin/pipewatch");
    assertThat(Files.readString(script)).contains("exec \"$java_cmd\"", "-XX:MaxRAMPercentage");
  }

  private static Instruction last(List<Instruction> instructions, String keyword) {
    Instruction found = null;
    for (Instruction in : instructions) {
      if (in.keyword().equals(keyword)) {
        found = in;
      }
    }
    assertThat(found).as(keyword).isNotNull();
    return found;
  }

  private static String expand(String word, Map<String, String> args, int line) {
    Matcher m = ARG_REF.matcher(word);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = args.get(m.group(1));
      assertThat(value).as("line " + line + ": ARG " + m.group(1) + " has a default").isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
