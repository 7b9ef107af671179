//! Helpers shared by the integration test modules.

pub use std::collections::BTreeMap;
pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_exemplar");

/// The binary under test: this build's, or `EXEMPLAR_TEST_BIN` (to show
/// that a regression test fails on an older build).
pub fn bin() -> String {
    std::env::var("EXEMPLAR_TEST_BIN").unwrap_or_else(|_| BIN.to_string())
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A fresh copy of one or more fixture folders (later ones overlay).
pub struct Site {
    pub dir: PathBuf,
}

impl Site {
    pub fn new(layers: &[&str]) -> Site {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "exemplar-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for l in layers {
            copy_tree(&fixtures().join(l), &dir);
        }
        Site { dir }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(bin())
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("run exemplar")
    }

    pub fn build(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Write a file of the site (folders made as needed).
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).exists()
    }

    /// Every file under `rel` with its bytes.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let root = self.dir.join(rel);
        if !root.exists() {
            return BTreeMap::new();
        }
        walk(&root)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        stderr(o)
    );
}

pub fn good() -> Site {
    let s = Site::new(&["good"]);
    assert_ok(&s.build(&[]));
    s
}

/// `check --format json`: exit code and findings.
pub fn check_json(s: &Site, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = s.run(&args);
    let lines = String::from_utf8(out.stdout).unwrap();
    let findings = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (out.status.code(), findings)
}

/// Compare `got` with the golden file `tests/golden/<name>`. A missing or
/// different file fails; `UPDATE_GOLDEN=1 cargo test` (re)writes it, which
/// is the only way a golden file changes.
pub fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("tests/golden/{name} is missing; review the output and run UPDATE_GOLDEN=1 cargo test to write it")
    });
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(got.lines().count().min(want.lines().count()) + 1);
        panic!(
            "output differs from tests/golden/{name} from line {line}:\n  got:  {}\n  want: {}\nif the change is intended, run UPDATE_GOLDEN=1 cargo test and review the diff",
            got.lines().nth(line - 1).unwrap_or("<end>"),
            want.lines().nth(line - 1).unwrap_or("<end>")
        );
    }
}

/// xorshift64*: small, deterministic, enough for choosing edits and mutations.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}
