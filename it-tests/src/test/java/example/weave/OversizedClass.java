package example.weave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Writes, at test time, a class with one method whose code is {@link #HUGE_CODE_BYTES} bytes: it
 * loads and runs as it is (the JVM allows 65,535), but not with timing advice woven in (tens of
 * bytes more). Next to it, one ordinary method. Generated with ASM (Byte Buddy's copy) because
 * javac refuses nothing but cannot be steered to an exact code size.
 *
 * <pre>
 * public final class example.generated.Oversized {
 *   public static long huge(long x)  { x += 1; ... 16,382 times ...; return x; }  // 65,530 bytes
 *   public static int small(int x)   { return x + 1; }
 * }
 * </pre>
 */
public final class OversizedClass {
  private OversizedClass() {}

  public static final String NAME = "example.generated.Oversized";
  /** Each {@code x += 1} is lload_0, lconst_1, ladd, lstore_0: 4 bytes. */
  public static final int HUGE_INCREMENTS = 16_382;
  /** The increments plus lload_0, lreturn. */
  public static final int HUGE_CODE_BYTES = HUGE_INCREMENTS * 4 + 2;

  /** Writes the class file below {@code classesDir} and returns {@code classesDir}. */
  public static Path writeTo(Path classesDir) throws IOException {
    Path file = classesDir.resolve(NAME.replace('.', '/') + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, bytes());
    return classesDir;
  }

  static byte[] bytes() {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    String internal = NAME.replace('.', '/');
    cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internal, null, "java/lang/Object", null);

    MethodVisitor huge = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "huge", "(J)J", null, null);
    huge.visitCode();
    for (int i = 0; i < HUGE_INCREMENTS; i++) {
      huge.visitVarInsn(Opcodes.LLOAD, 0);
      huge.visitInsn(Opcodes.LCONST_1);
      huge.visitInsn(Opcodes.LADD);
      huge.visitVarInsn(Opcodes.LSTORE, 0);
    }
    huge.visitVarInsn(Opcodes.LLOAD, 0);
    huge.visitInsn(Opcodes.LRETURN);
    huge.visitMaxs(0, 0);
    huge.visitEnd();

    MethodVisitor small = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "small", "(I)I", null, null);
    small.visitCode();
    small.visitVarInsn(Opcodes.ILOAD, 0);
    small.visitInsn(Opcodes.ICONST_1);
    small.visitInsn(Opcodes.IADD);
    small.visitInsn(Opcodes.IRETURN);
    small.visitMaxs(0, 0);
    small.visitEnd();

    cw.visitEnd();
    return cw.toByteArray();
  }
}
