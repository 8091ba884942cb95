//! The load generator: many students answering the roll call at once.
//!
//! A run opens some classes (a teacher connection sends `START`), then opens
//! N student connections. Each connection sends `PRESENT` requests for
//! students nobody has used before, either in lockstep (send one request,
//! wait for its response, send the next) or pipelined (send `depth` requests
//! in one write, then read their `depth` responses). The run stops when the
//! request budget is spent or the time limit passes, whichever comes first.
//! Finally the teacher ends every class, and the `ENDED` lists are compared
//! with the presences the students were told were recorded: each accepted
//! student must be listed, exactly once, and nobody else.
//!
//! Requests are built and responses read with the `chamada` library's own
//! [`Request`] and [`Response`] types, so the load generator speaks exactly
//! the protocol the clients speak.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use chamada::client::Client;
use chamada::{ClassId, Command, Request, Response, StudentId};

use crate::stats::Latencies;

/// How long to wait for a connection to be accepted by the system.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// After the time limit, requests already sent get this long to be
/// answered; then their sockets are shut down and they count as in doubt.
pub const GRACE: Duration = Duration::from_secs(1);

/// How long the teacher waits for any one answer (a `START`, an `ENDED`).
/// Lesson 01 answers the teacher only once every student connection has
/// gone, so this is generous.
const TEACHER_WAIT: Duration = Duration::from_secs(30);

/// What one run does. The `loadgen` binary reads it from its command line;
/// `bench` builds it directly.
#[derive(Debug, Clone, clap::Args)]
pub struct Plan {
    /// The server's address. Loopback only (127.0.0.1, ::1, localhost):
    /// a load test is never aimed at somebody else's machine.
    #[arg(long, short, value_name = "HOST:PORT", default_value = "127.0.0.1:5050",
          value_parser = loopback)]
    pub server: SocketAddr,
    /// Student connections open at once.
    #[arg(long, short, value_name = "N", default_value_t = 16, value_parser = at_least_one)]
    pub connections: usize,
    /// Requests each connection sends before reading their responses
    /// (1 = lockstep).
    #[arg(long, short, value_name = "K", default_value_t = 1, value_parser = at_least_one)]
    pub depth: usize,
    /// Classes opened for the run; connections spread their students over them.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = at_least_one)]
    pub classes: usize,
    /// The number of the first class; the others follow it. Change it to run
    /// again against a server whose classes from an earlier run are still open.
    #[arg(long, value_name = "CLASS", default_value_t = 1, value_parser = class_number)]
    pub first_class: u32,
    /// Stop after this many requests in all (shared out among connections).
    #[arg(long, short, value_name = "N", default_value_t = 100_000,
          value_parser = at_least_one_u64)]
    pub requests: u64,
    /// Stop sending after this many seconds, whatever is left of the budget.
    #[arg(long = "seconds", value_name = "SECONDS", default_value = "10",
          value_parser = seconds)]
    pub time_limit: Duration,
    /// Do not START or END classes and do not check the lists: for a server
    /// that keeps no state, such as the baseline.
    #[arg(long)]
    pub no_check: bool,
}

/// Parses a server address and refuses anything but this machine.
pub fn loopback(text: &str) -> Result<SocketAddr, String> {
    let mut addrs = text
        .to_socket_addrs()
        .map_err(|error| format!("{text:?} is not a HOST:PORT address: {error}"))?;
    let addr = addrs
        .next()
        .ok_or_else(|| format!("{text:?} has no address"))?;
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{addr} is not a loopback address: the load generator only runs \
             against this machine (127.0.0.1 or ::1)"
        ));
    }
    Ok(addr)
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text:?} is not a whole number of at least 1")),
    }
}

fn at_least_one_u64(text: &str) -> Result<u64, String> {
    at_least_one(text).map(|n| n as u64)
}

fn class_number(text: &str) -> Result<u32, String> {
    ClassId::parse(text)
        .map(ClassId::get)
        .ok_or_else(|| format!("{text:?} is not a class (1 to 4294967295)"))
}

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 3600"
        )),
    }
}

impl Plan {
    /// The classes this run uses, in order.
    fn class_ids(&self) -> Result<Vec<ClassId>, String> {
        (0..self.classes)
            .map(|i| {
                self.first_class
                    .checked_add(i as u32)
                    .and_then(ClassId::new)
                    .ok_or_else(|| "the classes go past 4294967295".to_owned())
            })
            .collect()
    }

    /// How many requests connection `index` sends: the budget shared out as
    /// evenly as it divides.
    pub fn quota(&self, index: usize) -> u64 {
        let n = self.connections as u64;
        self.requests / n + u64::from((index as u64) < self.requests % n)
    }
}

/// What the final check found: every accepted presence listed once, and
/// nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Presences the students were told were recorded.
    pub accepted: usize,
    /// Names on the `ENDED` lists.
    pub listed: usize,
    /// Accepted presences missing from the lists: lost.
    pub missing: usize,
    /// Names listed more than once.
    pub duplicated: usize,
    /// Names listed that nobody sent, or that were not accepted and not in doubt.
    pub unexpected: usize,
}

impl Check {
    /// True when nothing was lost, doubled or invented.
    pub fn passed(&self) -> bool {
        self.missing == 0 && self.duplicated == 0 && self.unexpected == 0
    }
}

/// Compares the `ENDED` list of one class with what its students were told.
///
/// A request sent but never answered (the time limit cut it off) is "in
/// doubt": the server may or may not have recorded it, so it may be listed
/// or not. Anything else listed is unexpected.
pub fn compare(
    accepted: &HashSet<StudentId>,
    in_doubt: &HashSet<StudentId>,
    listed: &[StudentId],
) -> Check {
    let mut seen = HashSet::with_capacity(listed.len());
    let mut check = Check {
        accepted: accepted.len(),
        listed: listed.len(),
        ..Check::default()
    };
    for student in listed {
        if !seen.insert(student) {
            check.duplicated += 1;
        } else if !accepted.contains(student) && !in_doubt.contains(student) {
            check.unexpected += 1;
        }
    }
    check.missing = accepted.iter().filter(|s| !seen.contains(s)).count();
    check
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Requests that got a response.
    pub answered: u64,
    /// `PRESENCE 0` responses: a class that should have been open was not.
    pub refused: u64,
    /// Requests sent but never answered before the run was cut off.
    pub in_doubt: u64,
    /// Connections that got at least one response.
    pub served_connections: usize,
    /// From the moment every connection was ready to the last response.
    pub elapsed: Duration,
    /// The latency of every answered request.
    pub latencies: Latencies,
    /// What went wrong, one line per connection that had a problem.
    pub errors: Vec<String>,
    /// The comparison of the `ENDED` lists with the accepted presences
    /// (`None` with `--no-check`).
    pub check: Option<Check>,
}

impl Outcome {
    /// Answered requests per second.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.answered as f64 / seconds
        } else {
            0.0
        }
    }

    /// True when every request was answered, accepted, and (when checked)
    /// listed exactly once.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
            && self.refused == 0
            && self.in_doubt == 0
            && self.check.as_ref().is_none_or(Check::passed)
    }
}

/// What one student connection reports when it is done.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    /// Accepted students, by the index of their class in the plan.
    accepted: Vec<(usize, StudentId)>,
    in_doubt: Vec<(usize, StudentId)>,
    refused: u64,
    error: Option<String>,
    finished: Option<Instant>,
}

/// Runs one load test as `plan` says.
pub fn run(plan: &Plan) -> Result<Outcome, String> {
    let classes = plan.class_ids()?;
    if !plan.no_check {
        open_classes(plan.server, &classes)?;
    }
    let sockets = (0..plan.connections)
        .map(|_| connect(plan.server))
        .collect::<Result<Vec<_>, _>>()?;
    let handles = sockets
        .iter()
        .map(TcpStream::try_clone)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("cannot clone a socket: {error}"))?;

    // Every connection waits at the gate, so timing starts when all are ready.
    let gate = Arc::new(Barrier::new(plan.connections + 1));
    let start_time = Arc::new(std::sync::OnceLock::new());
    let (done, results) = mpsc::channel();
    for (index, socket) in sockets.into_iter().enumerate() {
        let student = Student {
            index,
            quota: plan.quota(index),
            depth: plan.depth,
            classes: classes.clone(),
            time_limit: plan.time_limit,
        };
        let (gate, start_time, done) = (Arc::clone(&gate), Arc::clone(&start_time), done.clone());
        thread::spawn(move || {
            gate.wait();
            let start: Instant = *start_time.get_or_init(Instant::now);
            let _ = done.send(student.run(socket, start));
        });
    }
    drop(done);
    gate.wait();
    let start: Instant = *start_time.get_or_init(Instant::now);
    let tallies = collect(&results, plan, start, &handles);
    // Close the students' connections before the teacher comes back:
    // lesson 01 will not answer the teacher while one of them is open.
    drop(handles);

    let mut outcome = summarise(&tallies, start);
    if !plan.no_check {
        outcome.check = Some(end_and_check(plan.server, &classes, &tallies)?);
    }
    Ok(outcome)
}

/// Waits for every connection's tally. At the time limit plus [`GRACE`],
/// the sockets still busy are shut down, which ends their blocked reads at
/// once: nothing can make a run last longer than that (lesson 01 would
/// otherwise keep every connection but one waiting in its backlog).
fn collect(
    results: &mpsc::Receiver<Tally>,
    plan: &Plan,
    start: Instant,
    sockets: &[TcpStream],
) -> Vec<Tally> {
    let hard_stop = start + plan.time_limit + GRACE;
    let mut tallies = Vec::with_capacity(plan.connections);
    while tallies.len() < plan.connections {
        let left = hard_stop.saturating_duration_since(Instant::now());
        match results.recv_timeout(left) {
            Ok(tally) => tallies.push(tally),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                for socket in sockets {
                    let _ = socket.shutdown(Shutdown::Both);
                }
                tallies.extend(results.iter());
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    tallies
}

fn summarise(tallies: &[Tally], start: Instant) -> Outcome {
    let finished = tallies.iter().filter_map(|t| t.finished).max();
    let latencies: Vec<Duration> = tallies
        .iter()
        .flat_map(|t| t.latencies.iter().copied())
        .collect();
    Outcome {
        answered: latencies.len() as u64,
        refused: tallies.iter().map(|t| t.refused).sum(),
        in_doubt: tallies.iter().map(|t| t.in_doubt.len() as u64).sum(),
        served_connections: tallies.iter().filter(|t| !t.latencies.is_empty()).count(),
        elapsed: finished.map_or(Duration::ZERO, |end| end.saturating_duration_since(start)),
        latencies: Latencies::new(latencies),
        errors: tallies.iter().filter_map(|t| t.error.clone()).collect(),
        check: None,
    }
}

fn connect(server: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect_timeout(&server, CONNECT_TIMEOUT)
        .map_err(|error| format!("cannot connect to {server}: {error}"))?;
    // Each batch leaves in one write; no reason to let Nagle hold it.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// A teacher's connection, with a bound on every wait.
fn teacher(server: SocketAddr) -> Result<Client, String> {
    let stream = connect(server)?;
    stream
        .set_read_timeout(Some(TEACHER_WAIT))
        .map_err(|error| error.to_string())?;
    Client::over(stream).map_err(|error| error.to_string())
}

/// Opens every class, then leaves: lesson 01 serves nobody else while the
/// teacher's connection stays open.
fn open_classes(server: SocketAddr, classes: &[ClassId]) -> Result<(), String> {
    let mut client = teacher(server)?;
    for class in classes {
        match client.ask(&Request::Command(Command::Start(*class))) {
            Ok(Response::Started { .. }) => {}
            Ok(other) => return Err(format!("START {class} was answered {other}")),
            Err(error) => return Err(format!("START {class}: {error}")),
        }
    }
    let _ = client.ask(&Request::Quit);
    Ok(())
}

/// Ends every class and compares its list with what the students were told.
fn end_and_check(
    server: SocketAddr,
    classes: &[ClassId],
    tallies: &[Tally],
) -> Result<Check, String> {
    let mut accepted: HashMap<usize, HashSet<StudentId>> = HashMap::new();
    let mut in_doubt: HashMap<usize, HashSet<StudentId>> = HashMap::new();
    for tally in tallies {
        for (class, student) in &tally.accepted {
            accepted.entry(*class).or_default().insert(student.clone());
        }
        for (class, student) in &tally.in_doubt {
            in_doubt.entry(*class).or_default().insert(student.clone());
        }
    }
    let mut client = teacher(server)?;
    let mut total = Check::default();
    let nobody = HashSet::new();
    for (index, class) in classes.iter().enumerate() {
        let listed = match client.ask(&Request::Command(Command::End(*class))) {
            Ok(Response::Ended { students, .. }) => students,
            Ok(other) => return Err(format!("END {class} was answered {other}")),
            Err(error) => return Err(format!("END {class}: {error}")),
        };
        let check = compare(
            accepted.get(&index).unwrap_or(&nobody),
            in_doubt.get(&index).unwrap_or(&nobody),
            &listed,
        );
        total.accepted += check.accepted;
        total.listed += check.listed;
        total.missing += check.missing;
        total.duplicated += check.duplicated;
        total.unexpected += check.unexpected;
    }
    let _ = client.ask(&Request::Quit);
    Ok(total)
}

/// One student connection's share of the work.
struct Student {
    /// Which connection this is; it makes the student ids unique.
    index: usize,
    /// How many requests to send.
    quota: u64,
    /// How many to send before reading their responses.
    depth: usize,
    /// The classes to answer in, in turn.
    classes: Vec<ClassId>,
    /// When to stop sending.
    time_limit: Duration,
}

impl Student {
    /// The `n`-th request of this connection: a student id nobody else
    /// uses, in one of the classes, in turn.
    fn request(&self, n: u64) -> (usize, StudentId, Request) {
        let class = (self.index + n as usize) % self.classes.len();
        let student = StudentId::parse(&format!("c{}n{n}", self.index))
            .expect("letters and digits make a valid student id");
        let command = Command::Present {
            student: student.clone(),
            class: self.classes[class],
        };
        (class, student, Request::Command(command))
    }

    fn run(self, socket: TcpStream, start: Instant) -> Tally {
        let mut tally = Tally::default();
        if let Err(error) = self.exchange(&socket, start, &mut tally) {
            tally.error = Some(format!("connection {}: {error}", self.index));
        }
        tally.finished = Some(Instant::now());
        // Hang up now, not when the last handle to the socket is dropped:
        // lesson 01 serves the next connection only once this one is gone.
        let _ = socket.shutdown(Shutdown::Both);
        tally
    }

    /// Sends batches of `depth` requests and reads their responses until the
    /// quota is spent or time is up.
    fn exchange(
        &self,
        socket: &TcpStream,
        start: Instant,
        tally: &mut Tally,
    ) -> Result<(), String> {
        let deadline = start + self.time_limit;
        let mut responses = BufReader::new(socket);
        let mut writer = socket;
        let mut batch = String::new();
        let mut pending = Vec::with_capacity(self.depth);
        let mut line = String::new();
        let mut sent = 0;
        while sent < self.quota && Instant::now() < deadline {
            batch.clear();
            pending.clear();
            let size = (self.quota - sent).min(self.depth as u64);
            for n in sent..sent + size {
                let (class, student, request) = self.request(n);
                let _ = writeln!(batch, "{request}");
                pending.push((class, student));
            }
            sent += size;
            let sent_at = Instant::now();
            if let Err(error) = writer.write_all(batch.as_bytes()) {
                tally.in_doubt.append(&mut pending);
                return Err(format!("sending failed: {error}"));
            }
            for (answered, (class, student)) in pending.drain(..).enumerate() {
                line.clear();
                match responses.read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        // Cut off (the time limit) or hung up: this request
                        // and those after it in the batch are in doubt.
                        tally.in_doubt.push((class, student));
                        let rest = size as usize - answered - 1;
                        return self.cut_off(tally, rest, sent);
                    }
                    Ok(_) => {}
                }
                tally.latencies.push(sent_at.elapsed());
                let line = line.trim_end_matches(['\r', '\n']);
                match Response::parse(line) {
                    Ok(Response::Presence { class: Some(_), .. }) => {
                        tally.accepted.push((class, student));
                    }
                    Ok(Response::Presence { class: None, .. }) => tally.refused += 1,
                    _ => return Err(format!("unexpected response {line:?}")),
                }
            }
        }
        Ok(())
    }

    /// Records the last `rest` requests of a batch that ended with `sent`
    /// as in doubt.
    fn cut_off(&self, tally: &mut Tally, rest: usize, sent: u64) -> Result<(), String> {
        for n in sent - rest as u64..sent {
            let (class, student, _) = self.request(n);
            tally.in_doubt.push((class, student));
        }
        Err("no response before the time limit".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        plan: Plan,
    }

    fn parse(args: &[&str]) -> Result<Plan, clap::Error> {
        Cli::try_parse_from(std::iter::once("loadgen").chain(args.iter().copied()))
            .map(|cli| cli.plan)
    }

    #[test]
    fn options_have_sensible_defaults() {
        let plan = parse(&[]).unwrap();
        assert_eq!(plan.server, "127.0.0.1:5050".parse().unwrap());
        assert_eq!((plan.connections, plan.depth, plan.classes), (16, 1, 1));
        assert_eq!(plan.requests, 100_000);
        assert_eq!(plan.time_limit, Duration::from_secs(10));
        assert!(!plan.no_check);
    }

    #[test]
    fn options_are_read() {
        let plan = parse(&[
            "--server",
            "[::1]:7000",
            "-c",
            "64",
            "--depth",
            "8",
            "--classes",
            "3",
            "--first-class",
            "900",
            "--requests",
            "5000",
            "--seconds",
            "2.5",
            "--no-check",
        ])
        .unwrap();
        assert_eq!(plan.server, "[::1]:7000".parse().unwrap());
        assert_eq!((plan.connections, plan.depth, plan.classes), (64, 8, 3));
        assert_eq!((plan.first_class, plan.requests), (900, 5000));
        assert_eq!(plan.time_limit, Duration::from_millis(2500));
        assert!(plan.no_check);
        assert_eq!(plan.class_ids().unwrap().last().unwrap().get(), 902);
    }

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(loopback("127.0.0.1:5050").is_ok());
        assert!(loopback("127.8.9.10:1").is_ok());
        assert!(loopback("[::1]:5050").is_ok());
        let refused = loopback("192.168.1.20:5050").unwrap_err();
        assert!(refused.contains("not a loopback address"), "{refused}");
        assert!(loopback("0.0.0.0:5050").is_err());
        assert!(loopback("no port").is_err());
        assert!(parse(&["--server", "10.0.0.1:5050"]).is_err());
    }

    #[test]
    fn nonsense_counts_are_refused() {
        for bad in [
            &["-c", "0"][..],
            &["--depth", "0"],
            &["--requests", "-3"],
            &["--seconds", "0"],
            &["--seconds", "soon"],
            &["--first-class", "0"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_budget_is_shared_out_evenly() {
        let mut plan = parse(&["-c", "4", "--requests", "10"]).unwrap();
        let quotas: Vec<u64> = (0..4).map(|i| plan.quota(i)).collect();
        assert_eq!(quotas, [3, 3, 2, 2]);
        plan.connections = 16;
        assert_eq!((0..16).map(|i| plan.quota(i)).sum::<u64>(), 10);
    }

    fn ids(names: &[&str]) -> Vec<StudentId> {
        names.iter().map(|n| StudentId::parse(n).unwrap()).collect()
    }

    fn set(names: &[&str]) -> HashSet<StudentId> {
        ids(names).into_iter().collect()
    }

    #[test]
    fn the_check_finds_lost_doubled_and_invented_presences() {
        let accepted = set(&["a", "b", "c"]);
        let in_doubt = set(&["d"]);
        let exact = compare(&accepted, &in_doubt, &ids(&["c", "a", "b"]));
        assert!(exact.passed());
        // A request cut off by the time limit may or may not be listed.
        assert!(compare(&accepted, &in_doubt, &ids(&["a", "b", "c", "d"])).passed());
        let bad = compare(&accepted, &in_doubt, &ids(&["a", "a", "x"]));
        assert_eq!((bad.missing, bad.duplicated, bad.unexpected), (2, 1, 1));
        assert!(!bad.passed());
    }
}
