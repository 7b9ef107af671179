//! Write: every output goes into a staging folder beside the output folder;
//! only a complete, error-free build is swapped into place, so a failed
//! build leaves the previous output byte-identical, and a reader of the
//! output folder (a web server) never sees it missing: on Linux the two
//! folders are exchanged in one step (`renameat2(RENAME_EXCHANGE)`).
//!
//! Deleting a 12k-file tree costs seconds on ext4, so the swapped-out
//! output is not deleted: it is kept as `.<name>.prev` and recycled as the
//! next build's staging folder. Files whose bytes are unchanged are not
//! rewritten, files the new build does not produce are pruned before the
//! swap, so the result is exactly the new build whatever was there.
//!
//! The output folder is checked before any work: it may not be the site,
//! contain it or lie inside its sources, and a non-empty folder exemplar
//! did not make (no `paths::MARKER` in it) is refused unless forced. A
//! lock beside it makes a second build of the same output wait. Every path
//! written is checked again here, whatever made it.

use std::collections::HashSet;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use crate::diagnostics::Failure;
use crate::model::paths::{check_out_path, MARKER};

/// Folders of a site that hold sources: an output may never be inside one.
pub const SOURCE_DIRS: &[&str] = &[
    "content",
    "data",
    "themes",
    "static",
    "templates",
    "archive",
    ".git",
];

/// What the marker file says to whoever finds it.
const MARKER_TEXT: &str =
    "exemplar build writes this folder and replaces all of its contents on every build.\n";

/// A staging folder beside the final output folder.
pub struct Staging {
    pub dir: PathBuf,
    pub target: PathBuf,
    prev: PathBuf,
    /// Made empty for this build (nothing to compare with, nothing stale).
    fresh: bool,
    /// Folders the build writes into, relative to the staging folder.
    dirs: HashSet<String>,
    /// In a fresh folder, the planned folders that hold no other folder:
    /// each is made by the first write into it, in the parallel writers,
    /// rather than all in one thread before them.
    leaves: HashSet<String>,
    /// What a recycled folder held: files (with their inode numbers, which
    /// the walk reads for free), and folders children first.
    old_files: std::collections::HashMap<PathBuf, u64>,
    /// The staging folder's device.
    dev: u64,
    old_dirs: Vec<PathBuf>,
    written: Mutex<HashSet<PathBuf>>,
    /// Held until the build ends: one build per output at a time.
    _lock: File,
}

/// `p` made absolute and free of `.`/`..`, with symlinks of the part that
/// exists resolved (so two spellings of one folder compare equal).
fn real_path(p: &Path) -> std::io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            c => clean.push(c),
        }
    }
    // Resolve the longest existing ancestor, keep the rest as written.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Why `out` may not be the output folder of the site at `root`, if so.
/// Checked before any work is done.
pub fn check_target(root: &Path, out: &Path, force: bool) -> Result<PathBuf, Failure> {
    let shown = out.display().to_string();
    let refuse = |why: String, hint: &str| {
        Err(Failure::Other(format!(
            "不能输出到 {shown} (refusing output folder): {why}\n  修改建议: {hint}"
        )))
    };
    let io = |e: std::io::Error| Failure::io(&shown, e);
    // A symlinked output is followed: the folder it names is replaced.
    let meta = std::fs::symlink_metadata(out);
    let target = match &meta {
        Ok(m) if m.file_type().is_symlink() => match out.canonicalize() {
            Ok(t) => t,
            Err(_) => {
                return refuse(
                    "它是一个指向不存在位置的符号链接 (dangling symlink)".into(),
                    "删除这个链接，或让它指向一个存在的文件夹",
                )
            }
        },
        _ => real_path(out).map_err(io)?,
    };
    let root = real_path(root).map_err(io)?;
    if target == root {
        return refuse(
            "它就是站点目录 (it is the site folder)".into(),
            "用 -o public 或站点外的另一个空文件夹",
        );
    }
    if root.starts_with(&target) {
        return refuse(
            format!("它包含站点目录 {} (it contains the site)", root.display()),
            "用 -o public 或站点外的另一个空文件夹",
        );
    }
    for src in SOURCE_DIRS {
        if target.starts_with(root.join(src)) {
            return refuse(
                format!("它在源文件夹 {src}/ 里面 (it lies inside the sources)"),
                "输出目录不能放在 content/、data/、static/、templates/、themes/ 里；用 -o public",
            );
        }
    }
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_dir() => refuse(
            "它是一个文件，不是文件夹 (it is a file)".into(),
            "删除或改名这个文件，或用 -o 指定另一个文件夹",
        ),
        Ok(m) => {
            if m.permissions().readonly() {
                return refuse(
                    "它是只读的 (it is read-only)".into(),
                    "给这个文件夹加上写权限（chmod u+w），或用 -o 指定另一个文件夹",
                );
            }
            let foreign = !target.join(MARKER).is_file()
                && std::fs::read_dir(&target).map_err(io)?.next().is_some();
            if foreign && !force {
                return refuse(
                    "它不是空文件夹，也不是 exemplar 建立的 (a non-empty folder exemplar did not create)".into(),
                    "换一个空文件夹，或确认其中的文件可以全部替换后加 --force",
                );
            }
            Ok(target)
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(target),
        Err(e) => Err(io(e)),
    }
}

impl Staging {
    /// Take the lock for `target` (already checked by `check_target`) and
    /// make the staging folder, recycling the previous output.
    pub fn new(target: &Path) -> Result<Staging, Failure> {
        let target = target.to_path_buf();
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        std::fs::create_dir_all(&parent).map_err(|e| Failure::io(parent.display(), e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let lock = lock(&parent.join(format!(".{name}.lock")), &target)?;
        let dir = parent.join(format!(".{name}.staging"));
        let prev = parent.join(format!(".{name}.prev"));
        let is_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        let remove = |p: &Path| -> Result<(), Failure> {
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => {
                    std::fs::remove_dir_all(p).map_err(|e| Failure::io(p.display(), e))
                }
                Ok(_) => std::fs::remove_file(p).map_err(|e| Failure::io(p.display(), e)),
                Err(_) => Ok(()),
            }
        };
        let mut fresh = false;
        if is_dir(&dir) {
            // Left by an interrupted build: recycle it, drop the older copy.
            remove(&prev)?;
        } else {
            remove(&dir)?;
            if is_dir(&prev) && !std::fs::metadata(&prev).is_ok_and(|m| m.permissions().readonly())
            {
                std::fs::rename(&prev, &dir).map_err(|e| Failure::io(prev.display(), e))?;
            } else {
                remove(&prev)?;
                std::fs::create_dir_all(&dir).map_err(|e| Failure::io(dir.display(), e))?;
                fresh = true;
            }
        }
        // One walk of a recycled folder: what it holds (pruned at commit
        // unless written again), and no link that a write could follow out.
        let (mut old_files, mut old_dirs) = (std::collections::HashMap::new(), Vec::new());
        if !fresh {
            for entry in WalkDir::new(&dir)
                .min_depth(1)
                .contents_first(true)
                .into_iter()
                .flatten()
            {
                if entry.path_is_symlink() {
                    let _ = std::fs::remove_file(entry.path());
                } else if entry.file_type().is_dir() {
                    old_dirs.push(entry.into_path());
                } else {
                    let ino = crate::load::platform::entry_ino(&entry);
                    old_files.insert(entry.into_path(), ino);
                }
            }
        }
        let dev = std::fs::metadata(&dir)
            .ok()
            .and_then(|m| crate::load::platform::file_id(&m))
            .map_or(u64::MAX, |(dev, _)| dev);
        let s = Staging {
            dir,
            target,
            prev,
            fresh,
            dirs: HashSet::new(),
            leaves: HashSet::new(),
            old_files,
            dev,
            old_dirs,
            written: Mutex::new(HashSet::new()),
            _lock: lock,
        };
        s.put(MARKER, MARKER_TEXT.as_bytes())
            .map_err(|e| Failure::io(s.dir.join(MARKER).display(), e))?;
        Ok(s)
    }

    /// Say which files the build will write (relative paths), before
    /// writing: their folders are made at once in a fresh staging folder
    /// (no failed open or stat per file), and kept when pruning.
    pub fn plan<'a>(&mut self, files: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        for f in files {
            let mut end = 0;
            while let Some(k) = f[end..].find('/') {
                end += k;
                self.dirs.insert(f[..end].to_string());
                end += 1;
            }
        }
        if self.fresh {
            let parents: HashSet<&str> = self
                .dirs
                .iter()
                .filter_map(|d| d.rsplit_once('/').map(|(p, _)| p))
                .collect();
            self.leaves = self
                .dirs
                .iter()
                .filter(|d| !parents.contains(d.as_str()) && check_out_path(d).is_ok())
                .cloned()
                .collect();
            let mut dirs: Vec<&String> = self
                .dirs
                .iter()
                .filter(|d| !self.leaves.contains(*d))
                .collect();
            dirs.sort(); // parents before children
            for d in dirs {
                if check_out_path(d).is_ok() {
                    match std::fs::create_dir(self.dir.join(d)) {
                        Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// Prune what this build did not write, then swap the staging folder
    /// in and keep the old output as `.prev` for the next build.
    pub fn commit(self) -> Result<(), Failure> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        // A fresh folder holds only what this build wrote; a recycled one
        // loses what the build did not write again.
        for p in self.old_files.keys().filter(|p| !written.contains(*p)) {
            match std::fs::remove_file(p) {
                // Gone already, also with its folder (a file of this build
                // stands where the folder was).
                Err(e) if !matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                    return Err(Failure::io(p.display(), e))
                }
                _ => {}
            }
        }
        for d in &self.old_dirs {
            let rel = d.strip_prefix(&self.dir).map(crate::load::rel_string);
            if !rel.is_ok_and(|r| self.dirs.contains(&r)) {
                let _ = std::fs::remove_dir(d); // only succeeds when empty
            }
        }
        swap(&self.dir, &self.target, &self.prev).map_err(|e| Failure::io(self.target.display(), e))
    }

    /// A failed build: the output is untouched; the staging folder is kept
    /// for the next build to recycle.
    pub fn abandon(self) {
        if !self.prev.exists() {
            let _ = std::fs::rename(&self.dir, &self.prev);
        }
    }

    /// Write `bytes` to `rel` in the staging folder (unchanged files are
    /// left alone). `rel` must be a plain relative path.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        check_out_path(rel)
            .map_err(|why| std::io::Error::new(ErrorKind::InvalidInput, format!("{rel}: {why}")))?;
        self.put(rel, bytes)
    }

    /// Publish `src` (a file of the image cache, never rewritten in place)
    /// at `rel` as a hard link: no bytes are copied, and a recycled folder
    /// that already links the same file keeps it without reading it. Where
    /// the disk cannot link (another file system), the bytes are copied.
    /// `ident` is `src`'s (device, inode) when the caller has it: a file
    /// the recycled folder already links is then kept without a syscall.
    pub fn link(&self, rel: &str, src: &Path, ident: Option<(u64, u64)>) -> std::io::Result<()> {
        check_out_path(rel)
            .map_err(|why| std::io::Error::new(ErrorKind::InvalidInput, format!("{rel}: {why}")))?;
        let path = self.dir.join(rel);
        let same_disk = ident.filter(|&(dev, _)| dev == self.dev);
        let linked_already =
            same_disk.is_some_and(|(_, ino)| self.old_files.get(&path) == Some(&ino));
        // Where the walk of the folder found nothing (always, in a fresh
        // one), link at once: no stat of either file. Anything unexpected
        // (a folder not made yet, a file after all) takes the careful way.
        let linked = linked_already
            || (same_disk.is_some()
                && !self.old_files.contains_key(&path)
                && std::fs::hard_link(src, &path).is_ok())
            || hard_link_at(&path, src)?;
        if !linked {
            return self.put(rel, &std::fs::read(src)?);
        }
        if !self.fresh {
            // Only a recycled folder is pruned of what was not written.
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path);
        }
        Ok(())
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(rel);
        let planned = rel
            .rsplit_once('/')
            .is_none_or(|(dir, _)| self.dirs.contains(dir));
        if self.fresh && planned {
            // Nothing to compare with; the folder exists or is a leaf
            // this write may be the first into.
            if let Some((dir, _)) = rel
                .rsplit_once('/')
                .filter(|(d, _)| self.leaves.contains(*d))
            {
                match std::fs::create_dir(self.dir.join(dir)) {
                    Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
                    _ => {}
                }
            }
            std::fs::write(&path, bytes)?;
        } else {
            write_at(&path, bytes)?;
        }
        if !self.fresh {
            // Only a recycled folder is pruned of what was not written.
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path);
        }
        Ok(())
    }
}

/// Take the lock file, waiting (and saying so) while another build holds it.
fn lock(path: &Path, target: &Path) -> Result<File, Failure> {
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Failure::io(path.display(), e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "另一个 exemplar build 正在写 {}，等它完成… (waiting for another build)",
                target.display()
            );
            f.lock().map_err(|e| Failure::io(path.display(), e))?;
            Ok(f)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Failure::io(path.display(), e)),
    }
}

/// Put `staging` in place of `target` and keep the old output as `prev`.
/// With an existing target, the two are exchanged in one step where the
/// system can, so `target` is never missing.
fn swap(staging: &Path, target: &Path, prev: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staging, target);
    }
    if exchange(staging, target)? {
        // `staging` now holds the old output.
        return std::fs::rename(staging, prev);
    }
    std::fs::rename(target, prev)?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(prev, target);
        return Err(e);
    }
    Ok(())
}

/// Exchange two paths atomically; Ok(false) where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // The system call itself: musl (the static release build) has no
    // renameat2 wrapper.
    // SAFETY: two valid NUL-terminated paths; no memory is shared.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

fn write_at(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m)
            if m.is_file()
                && m.len() == bytes.len() as u64
                && std::fs::read(path).is_ok_and(|old| old == bytes) =>
        {
            return Ok(());
        }
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path)?,
        Ok(m) if m.file_type().is_symlink() => std::fs::remove_file(path)?,
        _ => {}
    }
    match std::fs::write(path, bytes) {
        Err(e) if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory => {
            let parent = path.parent().expect("output paths have a parent");
            make_dir(parent)?;
            std::fs::write(path, bytes)
        }
        r => r,
    }
}

/// Make `path` a hard link to `src`, replacing whatever else stands there:
/// true when it is one (also when it already was), false when the disk
/// cannot link (another file system).
fn hard_link_at(path: &Path, src: &Path) -> std::io::Result<bool> {
    use crate::load::platform::file_id;
    let s = std::fs::metadata(src)?;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && file_id(&m).is_some() && file_id(&m) == file_id(&s) => {
            return Ok(true)
        }
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path)?,
        Ok(_) => std::fs::remove_file(path)?,
        Err(_) => {}
    }
    let linked = match std::fs::hard_link(src, path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            make_dir(path.parent().expect("output paths have a parent"))?;
            std::fs::hard_link(src, path)
        }
        r => r,
    };
    Ok(linked.is_ok())
}

/// create_dir_all, replacing any file that stands where a folder must be
/// (a file of the previous build, inside the staging folder).
fn make_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut p = dir.to_path_buf();
            loop {
                if std::fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(&p)?;
                    return std::fs::create_dir_all(dir);
                }
                if !p.pop() {
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .filter(|(p, _)| p != MARKER)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn recycled_staging_holds_exactly_the_new_build() {
        let tmp = std::env::temp_dir().join(format!("exemplar-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let out = tmp.join("public");
        for (i, files) in [
            vec![("a/index.html", "1"), ("b.txt", "x"), ("c", "file")],
            vec![("a/index.html", "2"), ("c/index.html", "dir now")],
            vec![("a/index.html", "2")],
        ]
        .iter()
        .enumerate()
        {
            let s = Staging::new(&out).unwrap();
            for (rel, text) in files {
                s.write(rel, text.as_bytes()).unwrap();
            }
            s.commit().unwrap();
            let want: Vec<(String, Vec<u8>)> = {
                let mut w: Vec<_> = files
                    .iter()
                    .map(|(r, t)| (r.to_string(), t.as_bytes().to_vec()))
                    .collect();
                w.sort();
                w
            };
            assert_eq!(tree(&out), want, "build {i}");
            assert!(out.join(MARKER).is_file(), "the output is marked as ours");
        }
        let s = Staging::new(&out).unwrap();
        s.write("junk.html", b"half").unwrap();
        s.abandon();
        assert_eq!(
            tree(&out),
            vec![("a/index.html".to_string(), b"2".to_vec())]
        );
        let _ = std::fs::remove_dir_all(&tmp);
    }

    /// Links go straight in where the recycled folder held nothing, and
    /// replace whatever it held: another file, a file where a folder must
    /// be, a folder where the file goes; a link to the same cache file is
    /// kept.
    #[cfg(unix)]
    #[test]
    fn links_replace_whatever_a_recycled_folder_holds_at_their_place() {
        use std::os::unix::fs::MetadataExt;
        let tmp = std::env::temp_dir().join(format!("exemplar-write-l-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let (cache, out) = (tmp.join("cache"), tmp.join("public"));
        std::fs::create_dir_all(&cache).unwrap();
        // A cache file per text, never rewritten (as the caches are).
        let cached = |text: &str| {
            let p = cache.join(text);
            if !p.exists() {
                std::fs::write(&p, text).unwrap();
            }
            let m = std::fs::metadata(&p).unwrap();
            (p, Some((m.dev(), m.ino())))
        };
        // Each build recycles the output of the one two before it.
        for (i, files) in [
            vec![("f/1.js", "a"), ("c", "c file"), ("d/index.html", "d page")],
            vec![("f/1.js", "b"), ("c/index.js", "c dir")],
            vec![("f/1.js", "b"), ("d", "d file"), ("c", "c file")],
            vec![("f/1.js", "b"), ("c/index.js", "c dir")],
        ]
        .iter()
        .enumerate()
        {
            let s = Staging::new(&out).unwrap();
            for (rel, text) in files {
                let (src, ident) = cached(text);
                s.link(rel, &src, ident).unwrap();
            }
            s.commit().unwrap();
            let mut want: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(r, t)| (r.to_string(), t.as_bytes().to_vec()))
                .collect();
            want.sort();
            assert_eq!(tree(&out), want, "build {i}");
            for (rel, text) in files {
                let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
                assert_eq!(
                    ino(&out.join(rel)),
                    ino(&cache.join(text)),
                    "build {i}: {rel} is a link"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn the_write_boundary_refuses_paths_that_leave_the_output() {
        let tmp = std::env::temp_dir().join(format!("exemplar-write-b-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let s = Staging::new(&tmp.join("public")).unwrap();
        for bad in ["../outside.html", "/etc/x", "a/../../x", MARKER] {
            assert!(s.write(bad, b"x").is_err(), "{bad}");
        }
        assert!(!tmp.join("outside.html").exists());
        s.abandon();
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
