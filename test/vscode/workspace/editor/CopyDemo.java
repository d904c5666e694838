// I/O Lens editor fixture: copies a file with FileChannel.transferTo (in the kernel), then through
// a ByteBuffer with a read/write loop.
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

public class CopyDemo {
    static void copyInKernel(Path src, Path dst) throws Exception {
        try (FileChannel in = FileChannel.open(src);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long position = 0;
            long size = in.size();
            while (position < size) {
                position += in.transferTo(position, size - position, out);
            }
        }
    }

    static void copyLoop(Path src, Path dst) throws Exception {
        try (FileChannel in = FileChannel.open(src);
             FileChannel out = FileChannel.open(dst, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (in.read(buffer) > 0) {
                buffer.flip();
                out.write(buffer);
                buffer.clear();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        copyInKernel(Path.of(args[0]), Path.of(args[1]));
        copyLoop(Path.of(args[0]), Path.of(args[2]));
    }
}
