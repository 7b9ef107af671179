//! Write: every output goes into a staging folder beside the output folder;
//! only a complete, error-free build is swapped into place, so a failed
//! build leaves the previous output byte-identical.
//!
//! Deleting a 12k-file tree costs seconds on ext4, so the swapped-out
//! output is not deleted: it is kept as `.<name>.prev` and recycled as the
//! next build's staging folder. Files whose bytes are unchanged are not
//! rewritten, files the new build does not produce are pruned before the
//! swap, so the result is exactly the new build whatever was there.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use crate::diagnostics::Failure;

/// Where rendered files go. The build writes through this trait so that
/// `serve` can later keep a build in memory instead.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()>;
    fn copy(&self, rel: &str, src: &Path) -> std::io::Result<()> {
        let bytes = std::fs::read(src)?;
        self.write(rel, &bytes)
    }
}

/// A staging folder beside the final output folder.
pub struct Staging {
    pub dir: PathBuf,
    pub target: PathBuf,
    prev: PathBuf,
    written: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, Failure> {
        let target = absolute(target);
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent).map_err(|e| Failure::io(parent.display(), e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging"));
        let prev = parent.join(format!(".{name}.prev"));
        if dir.exists() {
            // Left by an interrupted build: recycle it, drop the older copy.
            if prev.exists() {
                std::fs::remove_dir_all(&prev).map_err(|e| Failure::io(prev.display(), e))?;
            }
        } else if prev.is_dir() {
            std::fs::rename(&prev, &dir).map_err(|e| Failure::io(prev.display(), e))?;
        } else {
            std::fs::create_dir_all(&dir).map_err(|e| Failure::io(dir.display(), e))?;
        }
        Ok(Staging {
            dir,
            target,
            prev,
            written: Mutex::new(HashSet::new()),
        })
    }

    /// Prune what this build did not write, then swap the staging folder
    /// in and keep the old output as `.prev` for the next build.
    pub fn commit(self) -> Result<(), Failure> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut stale_dirs = Vec::new();
        for entry in WalkDir::new(&self.dir)
            .min_depth(1)
            .contents_first(true)
            .into_iter()
            .filter_map(Result::ok)
        {
            let p = entry.path();
            if entry.file_type().is_dir() {
                stale_dirs.push(p.to_path_buf());
            } else if !written.contains(p) {
                std::fs::remove_file(p).map_err(|e| Failure::io(p.display(), e))?;
            }
        }
        for d in stale_dirs {
            let _ = std::fs::remove_dir(&d); // only succeeds when empty
        }
        if self.target.exists() {
            std::fs::rename(&self.target, &self.prev)
                .map_err(|e| Failure::io(self.target.display(), e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            let _ = std::fs::rename(&self.prev, &self.target);
            return Err(Failure::io(self.target.display(), e));
        }
        Ok(())
    }

    /// A failed build: the output is untouched; the staging folder is kept
    /// for the next build to recycle.
    pub fn abandon(self) {
        if !self.prev.exists() {
            let _ = std::fs::rename(&self.dir, &self.prev);
        }
    }

    fn write_at(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        match std::fs::metadata(path) {
            Ok(m)
                if m.is_file()
                    && m.len() == bytes.len() as u64
                    && std::fs::read(path).is_ok_and(|old| old == bytes) =>
            {
                return Ok(());
            }
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path)?,
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
}

/// create_dir_all, replacing any file that stands where a folder must be.
fn make_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut p = dir.to_path_buf();
            loop {
                if p.is_file() {
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

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(rel);
        Self::write_at(&path, bytes)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path);
        Ok(())
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
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
}
