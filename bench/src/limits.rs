//! The open-file limit. Every socket is a file descriptor, and many systems
//! give a process only 1,024 of them by default (`ulimit -n`): the crowd
//! test needs 10,000 for its clients, and the server (a child of the
//! benchmark, so it inherits the limit) needs as many again.
//!
//! The "soft" limit may be raised by the process itself up to the "hard"
//! limit, without any special rights; that is what this does.

/// The open-file limit before and after trying to raise it.
#[derive(Debug, Clone, Copy)]
pub struct FileLimit {
    /// The soft limit the process started with (`None`: unlimited or unknown).
    pub before: Option<u64>,
    /// The soft limit now.
    pub now: Option<u64>,
}

impl std::fmt::Display for FileLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show =
            |limit: Option<u64>| limit.map_or("unlimited or unknown".into(), |n| n.to_string());
        if self.before == self.now {
            write!(f, "open-file limit {}", show(self.now))
        } else {
            write!(
                f,
                "open-file limit raised from {} to {}",
                show(self.before),
                show(self.now)
            )
        }
    }
}

impl FileLimit {
    /// True if `n` descriptors (plus a few for pipes and the like) fit.
    pub fn allows(&self, n: u64) -> bool {
        self.now.is_none_or(|limit| limit >= n + 64)
    }
}

/// Raises the soft open-file limit to `wanted`, or to the hard limit if
/// that is lower. Never lowers it.
#[cfg(unix)]
pub fn raise_open_files(wanted: u64) -> FileLimit {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let before = limit.current;
    if let Some(current) = before.filter(|current| *current < wanted) {
        let target = limit.maximum.map_or(wanted, |hard| hard.min(wanted));
        if target > current {
            let _ = setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(target),
                    maximum: limit.maximum,
                },
            );
        }
    }
    FileLimit {
        before,
        now: getrlimit(Resource::Nofile).current,
    }
}

/// Elsewhere the limit is left alone and reported as unknown.
#[cfg(not(unix))]
pub fn raise_open_files(_wanted: u64) -> FileLimit {
    FileLimit {
        before: None,
        now: None,
    }
}
