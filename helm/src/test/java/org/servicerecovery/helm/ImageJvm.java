package org.servicerecovery.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The command a service image starts its JVM with, worked out from the Jib settings of the build (the `images` profile
 * of services/pom.xml) the way Quarkus' Jib extension (3.37, JibProcessor for a fast-jar) builds it:
 * `quarkus.jib.jvm-entrypoint` as given; without one and on a UBI OpenJDK runtime base image, the image's
 * run-java.sh, which puts its own defaults on the command line before JAVA_OPTS_APPEND (the JVM arguments); otherwise
 * `java <JVM arguments> -jar quarkus-run.jar`.
 */
record ImageJvm(String baseImage, List<String> command) {

    static final Path SERVICES = Path.of(System.getProperty("services.dir", "../services")).toAbsolutePath();

    /** Quarkus' test for a base image with run-java.sh (io.quarkus.deployment.images.ContainerImages). */
    private static final Pattern RUN_JAVA_IMAGE =
            Pattern.compile("^registry\\.access\\.redhat\\.com/ubi\\d+/openjdk-\\d+-runtime(?::[\\w.\\-]+)?$");
    /**
     * What run-java.sh adds with none of its variables set (jboss-container-images/openjdk, java-default-options:
     * JAVA_MAX_MEM_RATIO defaults to 80, GC_CONTAINER_OPTIONS to the parallel GC).
     */
    static final List<String> RUN_JAVA_DEFAULTS = List.of("-XX:MaxRAMPercentage=80.0", "-XX:+UseParallelGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:GCTimeRatio=4",
            "-XX:AdaptiveSizePolicyWeight=90", "-XX:+ExitOnOutOfMemoryError");
    /** quarkus.jib.jvm-arguments' default. */
    private static final String DEFAULT_JVM_ARGUMENTS = "-Djava.util.logging.manager=org.jboss.logmanager.LogManager";

    static ImageJvm fromBuild() {
        return of(imagesProfileProperties());
    }

    static ImageJvm of(Map<String, String> properties) {
        String baseImage = properties.get("quarkus.jib.base-jvm-image");
        if (baseImage == null) {
            throw new AssertionError("pin quarkus.jib.base-jvm-image: its start script decides which flags the image adds");
        }
        String entrypoint = properties.get("quarkus.jib.jvm-entrypoint");
        if (entrypoint != null) {
            return new ImageJvm(baseImage, list(entrypoint));
        }
        List<String> jvmArguments = new ArrayList<>(list(properties.getOrDefault("quarkus.jib.jvm-arguments", DEFAULT_JVM_ARGUMENTS)));
        jvmArguments.addAll(list(properties.getOrDefault("quarkus.jib.jvm-additional-arguments", "")));
        List<String> command = new ArrayList<>(List.of("java"));
        if (RUN_JAVA_IMAGE.matcher(baseImage).matches()) {
            command.addAll(RUN_JAVA_DEFAULTS);
        }
        command.addAll(jvmArguments);
        command.addAll(List.of("-jar", "quarkus-run.jar"));
        return new ImageJvm(baseImage, List.copyOf(command));
    }

    /** The JVM's options on the command line: what stands between `java` and `-jar`. */
    List<String> jvmOptions() {
        if (!"java".equals(command.get(0)) || !command.contains("-jar")) {
            throw new AssertionError("the image does not start java directly: " + command);
        }
        return command.subList(1, command.indexOf("-jar"));
    }

    /** The properties of the `images` profile in services/pom.xml. */
    static Map<String, String> imagesProfileProperties() {
        try {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(SERVICES.resolve("pom.xml").toFile()).getDocumentElement();
            for (Element profile : children(child(project, "profiles"), "profile")) {
                if ("images".equals(child(profile, "id").getTextContent().trim())) {
                    Map<String, String> properties = new LinkedHashMap<>();
                    for (Element property : children(child(profile, "properties"), null)) {
                        properties.put(property.getTagName(), property.getTextContent().trim());
                    }
                    return properties;
                }
            }
            throw new AssertionError("no profile `images` in " + SERVICES.resolve("pom.xml"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + SERVICES.resolve("pom.xml"), e);
        }
    }

    /** Every service's application.properties, which could override the profile's settings. */
    static Map<Path, String> serviceApplicationProperties() {
        try (Stream<Path> services = Files.list(SERVICES)) {
            Map<Path, String> files = new LinkedHashMap<>();
            for (Path file : services.map(dir -> dir.resolve("src/main/resources/application.properties"))
                    .filter(Files::isRegularFile).sorted().toList()) {
                files.put(file, Files.readString(file));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        if (found.isEmpty()) {
            throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
        }
        return found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && (name == null || name.equals(element.getTagName()))) {
                elements.add(element);
            }
        }
        return elements;
    }
}
