//! Incremental preview equals a full build, whatever is edited: random
//! sequences of the edits contributors make (body, title, date, tags,
//! school, add, delete, rename, move between sections, draft ↔ published,
//! a template, a static file, the registry, site.yaml, and mistakes that
//! are then fixed), each step checked against a full in-memory build of
//! the same files, byte for byte. `EXEMPLAR_SEED=n` replays a sequence;
//! `EXEMPLAR_SEQUENCES=n` runs more or fewer (default 300).

use std::collections::BTreeMap;

use exemplar::serve::engine::{Engine, Options};

use crate::common::*;

const SECTIONS: &[&str] = &["brands", "deeds", "clean", "news"];
const TAGS: &[&str] = &["党建品牌", "师德师风", "志愿服务", "清廉", "双减"];
const SCHOOLS: &[&str] = &["alpha", "beta", "gamma"];
const WORDS: &[&str] = &["党员先锋", "红烛", "课后服务", "家访", "清风", "支部"];

#[derive(Clone, Debug)]
struct Page {
    section: &'static str,
    stem: String,
    title: String,
    day: u32,
    tags: Vec<&'static str>,
    school: Option<&'static str>,
    draft: bool,
    body: String,
    /// A broken header, to be fixed by a later edit.
    broken: bool,
}

impl Page {
    fn rel(&self) -> String {
        format!("content/{}/{}.md", self.section, self.stem)
    }
    fn text(&self) -> String {
        let mut h = format!("---\ntitle: {}\n", self.title);
        if self.broken {
            h.push_str("date: 2024-13-45\n");
        } else {
            h.push_str(&format!("date: 2024-03-{:02}\n", self.day));
        }
        h.push_str(&format!("tags: [{}]\n", self.tags.join(", ")));
        if let Some(s) = self.school {
            h.push_str(&format!("school: {s}\n"));
        }
        match self.section {
            "brands" => h.push_str("brand: 品牌\nslogan: 口号\n"),
            "deeds" | "news" => h.push_str("subject: 人物\ncategory: 教师\n"),
            "clean" => h.push_str("tier: 规范型\n"),
            _ => {}
        }
        if self.draft {
            h.push_str("status: draft\n");
        }
        format!("{h}---\n{}\n", self.body)
    }
}

struct World<'a> {
    site: &'a Site,
    rng: Rng,
    pages: Vec<Page>,
    next_id: usize,
    log: Vec<String>,
}

impl World<'_> {
    fn write(&self, rel: &str, text: &str) {
        self.site.write(rel, text);
    }
    fn new_page(&mut self) -> Page {
        self.next_id += 1;
        let section = *self.rng.pick(SECTIONS);
        Page {
            section,
            stem: format!("p{}", self.next_id),
            title: format!("{}{}", self.rng.pick(WORDS), self.next_id),
            day: 1 + self.rng.below(28) as u32,
            tags: vec![*self.rng.pick(TAGS)],
            school: self.rng.chance(80).then(|| *self.rng.pick(SCHOOLS)),
            draft: false,
            body: format!("{}。", self.rng.pick(WORDS)),
            broken: false,
        }
    }

    /// One random edit: the files it changed (relative to the site).
    fn step(&mut self) -> Vec<String> {
        // A broken page is fixed before anything else happens to it.
        if let Some(i) = self.pages.iter().position(|p| p.broken) {
            self.pages[i].broken = false;
            self.log.push(format!("fix {}", self.pages[i].rel()));
            let p = self.pages[i].clone();
            self.write(&p.rel(), &p.text());
            return vec![p.rel()];
        }
        let op = self.rng.below(16);
        let n = self.pages.len();
        if n == 0 || op == 5 {
            let p = self.new_page();
            self.log.push(format!("add {}", p.rel()));
            self.write(&p.rel(), &p.text());
            let rel = p.rel();
            self.pages.push(p);
            return vec![rel];
        }
        let i = self.rng.below(n);
        let old = self.pages[i].rel();
        let what = match op {
            0 => {
                let w = *self.rng.pick(WORDS);
                self.pages[i].body.push_str(&format!("\n\n{w}。"));
                "body"
            }
            1 => {
                self.pages[i].title = format!("{}{}", self.rng.pick(WORDS), self.rng.below(1000));
                "title"
            }
            2 => {
                self.pages[i].day = 1 + self.rng.below(28) as u32;
                "date"
            }
            3 => {
                let t = *self.rng.pick(TAGS);
                let tags = &mut self.pages[i].tags;
                if tags.contains(&t) && tags.len() > 1 {
                    tags.retain(|x| *x != t);
                } else if !tags.contains(&t) {
                    tags.push(t);
                }
                "tags"
            }
            4 => {
                self.pages[i].school = self.rng.chance(80).then(|| *self.rng.pick(SCHOOLS));
                "school"
            }
            6 => {
                let p = self.pages.remove(i);
                std::fs::remove_file(self.site.dir.join(&old)).unwrap();
                self.log.push(format!("delete {old}"));
                let _ = p;
                return vec![old];
            }
            7 => {
                self.next_id += 1;
                self.pages[i].stem = format!("renamed{}", self.next_id);
                "rename"
            }
            8 => {
                self.pages[i].section = *self.rng.pick(SECTIONS);
                "move"
            }
            9 => {
                self.pages[i].draft = !self.pages[i].draft;
                "draft toggle"
            }
            10 => {
                self.pages[i].broken = true;
                "break header"
            }
            11 => {
                let marker = self.rng.below(1000);
                let base = exemplar::load::theme::DEFAULT_THEME
                    .iter()
                    .find(|(p, _)| *p == "templates/page.html")
                    .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                    .unwrap();
                self.write(
                    "templates/page.html",
                    &base.replacen("</article>", &format!("<!-- t{marker} --></article>"), 1),
                );
                self.log.push(format!("template t{marker}"));
                return vec!["templates/page.html".into()];
            }
            12 => {
                let rel = "static/css/extra.css";
                if self.rng.chance(30) && self.site.exists(rel) {
                    std::fs::remove_file(self.site.dir.join(rel)).unwrap();
                    self.log.push("static delete".into());
                } else {
                    let c = self.rng.below(1000);
                    self.write(rel, &format!("body {{ --x: {c}; }}\n"));
                    self.log.push(format!("static {c}"));
                }
                return vec![rel.into()];
            }
            13 => {
                let text = self.site.read("data/schools.yaml");
                let n = self.rng.below(100);
                let new = match text.find("  name: 乙中学") {
                    Some(at) => {
                        let end = at + text[at..].find('\n').unwrap();
                        format!("{}  name: 乙中学{n}{}", &text[..at], &text[end..])
                    }
                    None => text,
                };
                self.write("data/schools.yaml", &new);
                self.log.push(format!("registry 乙中学{n}"));
                return vec!["data/schools.yaml".into()];
            }
            14 => {
                let text = self.site.read("site.yaml");
                let per = 1 + self.rng.below(4);
                let new: String = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("paginate_by:") {
                            format!("paginate_by: {per}\n")
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
                self.write("site.yaml", &new);
                self.log.push(format!("site.yaml paginate_by {per}"));
                return vec!["site.yaml".into()];
            }
            _ => {
                self.pages[i].body = format!("{}。", self.rng.pick(WORDS));
                "body rewrite"
            }
        };
        let p = self.pages[i].clone();
        let new = p.rel();
        self.log.push(format!("{what} {old} -> {new}"));
        let mut changed = vec![new.clone()];
        if new != old {
            std::fs::remove_file(self.site.dir.join(&old)).unwrap();
            changed.push(old);
        }
        self.write(&new, &p.text());
        changed
    }
}

pub(crate) fn files(e: &Engine) -> BTreeMap<String, Vec<u8>> {
    e.store()
        .iter()
        .map(|(k, o)| (k.clone(), o.bytes.to_vec()))
        .collect()
}

pub(crate) fn engine(dir: &std::path::Path) -> Engine {
    Engine::start(Options {
        root: dir.to_path_buf(),
        drafts: true,
        base_url: "http://127.0.0.1:4000/jyj/ddjs/".into(),
        inject: String::new(),
    })
    .unwrap()
}

#[test]
fn random_edit_sequences_served_equal_full_builds() {
    let sequences: u64 = std::env::var("EXEMPLAR_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let fixed = std::env::var("EXEMPLAR_SEED")
        .ok()
        .and_then(|v| v.parse().ok());
    let base = fixed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    });
    let runs = if fixed.is_some() { 1 } else { sequences };
    for k in 0..runs {
        let seed = base.wrapping_add(k).max(1);
        let s = Site::new(&["good"]);
        s.write(
            "content/news/_index.md",
            "---\ntitle: 新闻\nkind: deed\n---\n",
        );
        let mut w = World {
            site: &s,
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            pages: Vec::new(),
            next_id: 0,
            log: Vec::new(),
        };
        for _ in 0..3 {
            let p = w.new_page();
            w.write(&p.rel(), &p.text());
            w.pages.push(p);
        }
        let mut e = engine(&s.dir);
        let steps = 4 + w.rng.below(5);
        for step in 0..steps {
            let changed = w.step();
            let paths: Vec<std::path::PathBuf> = changed.iter().map(Into::into).collect();
            e.update(&paths);
            let full = engine(&s.dir);
            let context = || {
                format!(
                    "seed {seed} (replay: EXEMPLAR_SEED={seed} cargo test random_edit), step {step}:\n  {}",
                    w.log.join("\n  ")
                )
            };
            assert_eq!(
                e.errors.is_empty(),
                full.errors.is_empty(),
                "{}\nincremental errors: {:?}\nfull errors: {:?}",
                context(),
                e.errors,
                full.errors
            );
            if !full.errors.is_empty() {
                continue; // the preview keeps its last good build
            }
            let (got, want) = (files(&e), files(&full));
            let a: Vec<&String> = got.keys().collect();
            let b: Vec<&String> = want.keys().collect();
            assert_eq!(a, b, "{}\nfile lists differ", context());
            for (name, bytes) in &got {
                assert!(
                    bytes == &want[name],
                    "{}\n{name} differs from a full build:\n--- served\n{}\n--- full\n{}",
                    context(),
                    String::from_utf8_lossy(bytes),
                    String::from_utf8_lossy(&want[name])
                );
            }
        }
    }
}
