//! What differs between Linux (the bureau's servers and domestic desktops)
//! and Windows (editors' PCs): file identity, used to reuse hard links and
//! cached files, and positioned reads. Elsewhere the code is the same.

use std::fs::{File, Metadata};
use std::io;

/// (device, inode): the same pair is the same file. None where the
/// platform has no such pair in stable Rust (Windows): callers then link
/// or read again, which is slower but never wrong.
#[cfg(unix)]
pub fn file_id(m: &Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn file_id(_: &Metadata) -> Option<(u64, u64)> {
    None
}

/// The inode of a walked entry (0 where there is none).
#[cfg(unix)]
pub fn entry_ino(e: &walkdir::DirEntry) -> u64 {
    use walkdir::DirEntryExt;
    e.ino()
}

#[cfg(not(unix))]
pub fn entry_ino(_: &walkdir::DirEntry) -> u64 {
    0
}

/// Fill `buf` from `f` at byte `off`, without moving a shared cursor.
#[cfg(unix)]
pub fn read_exact_at(f: &File, buf: &mut [u8], off: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    f.read_exact_at(buf, off)
}

#[cfg(windows)]
pub fn read_exact_at(f: &File, mut buf: &mut [u8], mut off: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match f.seek_read(buf, off) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                off += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The system is out of file handles or memory (a server should wait and
/// retry, not stop).
pub fn starved(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
        )
    }
    #[cfg(not(unix))]
    {
        e.kind() == io::ErrorKind::OutOfMemory
    }
}
