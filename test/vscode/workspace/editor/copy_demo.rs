// I/O Lens editor fixture: std::io::copy between two files (std picks copy_file_range on Linux).
// Build: rustc -g -C force-frame-pointers=yes -o copy_demo_rs copy_demo.rs
use std::fs::File;
use std::io;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mut src = File::open(&args[1])?;
    let mut dst = File::create(&args[2])?;
    let copied = io::copy(&mut src, &mut dst)?;
    eprintln!("copied {copied} bytes");
    Ok(())
}
