//! Progress on long work, for a person at a terminal: which stage a
//! command is in and, where it counts items, how far (count, rate, ETA).
//! Nothing is drawn until the command has run for about a second, nor when
//! stderr is not a terminal or `--quiet` is given, so short runs, logs and
//! tests see only the final summary line. Stages report through this
//! handle only; the pipeline's functions stay pure (a driver wraps what
//! they iterate).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work that takes less than this shows no progress (tests set
/// `EXEMPLAR_PROGRESS_DELAY_MS` to see it on small sites).
fn delay() -> Duration {
    let ms = std::env::var("EXEMPLAR_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms)
}

/// One command's progress display.
pub struct Progress {
    enabled: bool,
    started: Instant,
    delay: Duration,
}

impl Progress {
    /// For a command run by a person: drawn on stderr when it is a terminal.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            delay: delay(),
        }
    }

    /// Never drawn (tests, the preview's rebuilds).
    pub fn hidden() -> Progress {
        Progress {
            enabled: false,
            started: Instant::now(),
            delay: Duration::MAX,
        }
    }

    /// A stage: counted when `len` is known (Some), a spinner otherwise.
    pub fn stage(&self, label: &'static str, len: Option<u64>) -> Stage {
        let bar = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(
                        "{prefix:>12} [{bar:24}] {human_pos}/{human_len} {rate} ETA {eta}",
                    )
                    .expect("valid template")
                    .with_key(
                        "rate",
                        |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.0}/s", s.per_sec());
                        },
                    )
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{prefix:>12} {spinner} {elapsed}")
                    .expect("valid template"),
            ),
        };
        bar.set_prefix(label);
        let s = Stage {
            bar,
            shown: std::sync::Arc::new(AtomicBool::new(false)),
            enabled: self.enabled,
            started: self.started,
            delay: self.delay,
            label,
            begun: Instant::now(),
            cpu_begun: std::env::var_os("EXEMPLAR_TIMINGS")
                .is_some()
                .then(cpu_time)
                .flatten(),
        };
        s.show_if_slow();
        if self.enabled && !s.shown.load(Ordering::Relaxed) {
            // A stage that ticks rarely (or never) still shows once the
            // command has taken a second.
            let (bar, shown, wait) = (
                s.bar.clone(),
                s.shown.clone(),
                self.delay.saturating_sub(self.started.elapsed()),
            );
            std::thread::spawn(move || {
                std::thread::sleep(wait);
                if !bar.is_finished() && !shown.swap(true, Ordering::Relaxed) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        s
    }
}

/// A stage in progress; cleared when dropped.
pub struct Stage {
    bar: ProgressBar,
    shown: std::sync::Arc<AtomicBool>,
    enabled: bool,
    started: Instant,
    delay: Duration,
    label: &'static str,
    begun: Instant,
    /// The process's CPU time (all threads) when it began, with timings on.
    cpu_begun: Option<Duration>,
}

/// The CPU time (user and system, every thread) the process has used.
#[cfg(unix)]
fn cpu_time() -> Option<Duration> {
    // SAFETY: getrusage fills the struct it is given and reads nothing else.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        (libc::getrusage(libc::RUSAGE_SELF, &mut u) == 0).then_some(u)?
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Some(time(u.ru_utime) + time(u.ru_stime))
}

#[cfg(not(unix))]
fn cpu_time() -> Option<Duration> {
    None
}

impl Stage {
    /// One more item done (callable from parallel workers).
    pub fn inc(&self) {
        self.bar.inc(1);
        if !self.shown.load(Ordering::Relaxed) {
            self.show_if_slow();
        }
    }

    fn show_if_slow(&self) {
        if self.enabled
            && self.started.elapsed() >= self.delay
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if std::env::var_os("EXEMPLAR_TIMINGS").is_some() {
            let cpu = cpu_time()
                .zip(self.cpu_begun)
                .map(|(now, then)| format!(" (cpu {:?})", now.saturating_sub(then)))
                .unwrap_or_default();
            eprintln!("[timing] {}: {:?}{cpu}", self.label, self.begun.elapsed());
        }
        self.bar.finish_and_clear();
    }
}
