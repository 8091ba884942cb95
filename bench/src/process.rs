//! Servers as real processes: start one on a port the system picks, learn
//! its address from its first line, and read what the system knows about it
//! (memory, CPU time, threads) while it runs.
//!
//! Each lesson's server prints a log line per connection on its standard
//! output. Nobody reads a pipe by default, and a full pipe would block the
//! server in the middle of the measurement, so a thread reads and discards
//! everything after the first line.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long a server may take to print `listening on ADDR`.
const STARTUP: Duration = Duration::from_secs(20);

/// A running server, killed when dropped.
pub struct ServerProcess {
    /// The process.
    child: Child,
    /// Where it listens.
    addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `binary --bind 127.0.0.1:0`, then `options`, with the system
    /// clock and no teacher key, and waits for its address.
    pub fn start<S: AsRef<std::ffi::OsStr>>(
        binary: &Path,
        options: &[S],
    ) -> Result<ServerProcess, String> {
        let name = binary.display();
        let mut child = Command::new(binary)
            .args(["--bind", "127.0.0.1:0"])
            .args(options)
            .env_remove("CHAMADA_CLOCK")
            .env_remove("CHAMADA_CLOCK_STEP")
            .env_remove("CHAMADA_TEACHER_KEY")
            // The class-size sweep fills classes far past a lesson's default
            // capacity (the baseline server has none and ignores these).
            .env("CHAMADA_MAX_STUDENTS", "1000000")
            .env("CHAMADA_MAX_CLASSES", "100000")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start {name}: {error}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (first, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = first.send(line);
            }
            lines.for_each(drop); // keep the pipe flowing
        });
        let line = lines.recv_timeout(STARTUP);
        let addr = line
            .as_deref()
            .ok()
            .and_then(|line| line.strip_prefix("listening on "))
            .and_then(|addr| addr.parse().ok());
        match addr {
            Some(addr) => Ok(ServerProcess { child, addr }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "{name} did not print `listening on ADDR` first: {line:?}"
                ))
            }
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its resident memory in KiB (`VmRSS`), on Linux.
    pub fn rss_kib(&self) -> Option<u64> {
        status_field(self.child.id(), "VmRSS:")
    }

    /// How many threads it has, on Linux.
    pub fn threads(&self) -> Option<u64> {
        status_field(self.child.id(), "Threads:")
    }

    /// The CPU time it has used so far, user and system, on Linux.
    pub fn cpu_time(&self) -> Option<Duration> {
        cpu_time(self.child.id())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proc_file(pid: u32, file: &str) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}/{file}"))
}

/// A number from `/proc/PID/status`, such as `VmRSS:   2345 kB`.
fn status_field(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(proc_file(pid, "status")).ok()?;
    parse_status_field(&status, field)
}

/// The first number on the line of `status` that starts with `field`.
pub fn parse_status_field(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

/// User plus system time from `/proc/PID/stat`, in clock ticks.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(proc_file(pid, "stat")).ok()?;
    let ticks = parse_stat_ticks(&stat)?;
    Some(Duration::from_secs_f64(ticks as f64 / ticks_per_second()))
}

/// `utime + stime` from a `/proc/PID/stat` line. The process name (field 2)
/// is in parentheses and may contain spaces, so fields are counted from
/// the last `)`: after it come field 3 (state) onwards, and utime and stime
/// are fields 14 and 15.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(14 - 3)?.parse().ok()?;
    let stime: u64 = fields.get(15 - 3)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(unix)]
fn ticks_per_second() -> f64 {
    rustix::param::clock_ticks_per_second() as f64
}

#[cfg(not(unix))]
fn ticks_per_second() -> f64 {
    100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read() {
        let status =
            "Name:\tlesson-03-final\nVmPeak:\t  9000 kB\nVmRSS:\t    4242 kB\nThreads:\t7\n";
        assert_eq!(parse_status_field(status, "VmRSS:"), Some(4242));
        assert_eq!(parse_status_field(status, "Threads:"), Some(7));
        assert_eq!(parse_status_field(status, "VmSwap:"), None);
    }

    #[test]
    fn stat_ticks_skip_a_name_with_spaces() {
        let stat = "1234 (a (strange) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 \
                    250 50 0 0 20 0 3 0 100 1000 200";
        assert_eq!(parse_stat_ticks(stat), Some(300));
    }
}
