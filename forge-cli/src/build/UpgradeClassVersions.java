import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step (run by forge-cli's pom on the shaded jar, in the JDK's source-file mode): rewrites
 * class files older than Java 6 (major version below 50) as Java 8 class files with stack maps, using
 * the JDK's ClassFile API. Picocli ships Java 5 class files, and the JVM's AOT cache (CDS) skips
 * classes that old, so every forge command loaded and verified picocli's 230 classes from the jar
 * again: about a tenth of a second of each start (docs/benchmarks.md, "Start-up"). The bytecode is
 * unchanged; only the version and the StackMapTable attributes the newer verifier needs are added.
 *
 * <p>Usage: java UpgradeClassVersions.java JAR PACKAGE-PREFIX...
 */
public class UpgradeClassVersions {
    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        List<String> prefixes = List.of(args).subList(1, args.length);
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(
                        new java.net.URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            ClassFile cf = ClassFile.of(
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(loader)
                            .orElse(ClassHierarchyResolver.defaultResolver())));
            List<Path> classes;
            try (Stream<Path> s = Files.walk(zip.getPath("/"))) {
                classes = s.filter(p -> p.toString().endsWith(".class"))
                        .filter(p ->
                                prefixes.stream().anyMatch(pre -> p.toString().startsWith("/" + pre)))
                        .toList();
            }
            for (Path p : classes) {
                byte[] in = Files.readAllBytes(p);
                int major = ((in[6] & 0xFF) << 8) | (in[7] & 0xFF);
                if (major >= 50) continue;
                ClassModel model = cf.parse(in);
                // Every method body is re-emitted (not copied through), so that stack maps are generated.
                ClassTransform version = (cb, ce) -> {
                    if (ce instanceof ClassFileVersion) cb.withVersion(ClassFile.JAVA_8_VERSION, 0);
                    else cb.with(ce);
                };
                byte[] out = cf.transformClass(
                        model,
                        ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen(version));
                Files.write(p, out);
                upgraded++;
            }
        }
        System.out.println("UpgradeClassVersions: " + upgraded + " class files of " + String.join(", ", prefixes)
                + " rewritten as Java 8 in " + jar.getFileName());
    }
}
