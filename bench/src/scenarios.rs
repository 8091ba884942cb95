//! What `bench` measures, and how: three scenarios, each run against every
//! server in turn (so the baseline and the lessons are measured minutes
//! apart at most, on the same machine in the same state), each on a freshly
//! started server process.
//!
//! 1. **Throughput**: 1, 16 and 64 student connections in lockstep.
//! 2. **Class size**: one connection filling one class to 1,000 ... 64,000
//!    students; the cost per request at each size.
//! 3. **Idle connections**: 1,000 connections held open; the server's
//!    memory, threads and CPU use while nobody says anything.
//! 4. **A crowd**: 10,000 idle connections, for the servers built to hold
//!    many ([`CROWD`]): a thread each (lessons 02 and 03) against one thread
//!    for all (the event loop).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::thread;
use std::time::Duration;

use chamada::Response;

use crate::loadgen::{self, Outcome, Plan};
use crate::process::ServerProcess;
use crate::stats::{median, micros};

/// How a server handles connections, which decides what it can be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The baseline: answers everything, keeps nothing, so nothing to check.
    Baseline,
    /// Lesson 01: one connection at a time.
    OneAtATime,
    /// Lessons 02 and 03: every connection at once.
    Concurrent,
}

/// One server under test.
#[derive(Debug, Clone, Copy)]
pub struct Contender {
    /// Its binary's name, also its name in tables and charts.
    pub name: &'static str,
    /// How it handles connections.
    pub role: Role,
    /// Options it is started with, after `--bind`.
    pub options: &'static [&'static str],
}

/// Every server the benchmark runs, baseline first.
pub const CONTENDERS: [Contender; 5] = [
    Contender {
        name: "baseline-server",
        options: &[],
        role: Role::Baseline,
    },
    Contender {
        name: "lesson-01-blocking",
        options: &[],
        role: Role::OneAtATime,
    },
    Contender {
        name: "lesson-02-threads",
        options: &[],
        role: Role::Concurrent,
    },
    Contender {
        name: "lesson-03-final",
        // In memory, as the other lessons: the journal has its own
        // scenario (see `durability`).
        options: &["--no-journal"],
        role: Role::Concurrent,
    },
    Contender {
        name: "lesson-bonus-event-loop",
        options: &[],
        role: Role::Concurrent,
    },
];

/// The servers the crowd scenario runs: lesson 02 and 03 (a thread per
/// connection) and the event loop (one thread for all). The baseline is a
/// thread per connection like lesson 02, and lesson 01 serves one
/// connection at a time: neither adds to this comparison.
pub const CROWD: [&str; 3] = [
    "lesson-02-threads",
    "lesson-03-final",
    "lesson-bonus-event-loop",
];

/// The options that let `server` hold `connections` at once: lesson 03 and
/// the event loop admit 1,024 by default; lesson 02 has no limit (and no
/// such option).
fn crowd_options(server: &str, connections: usize) -> Vec<String> {
    let mut options = Vec::new();
    if server != "lesson-02-threads" {
        options.extend(["--max-connections".into(), (connections + 16).to_string()]);
    }
    if server == "lesson-03-final" {
        options.push("--no-journal".into());
    }
    options
}

/// The sizes of everything: `full` for the book, `quick` to check it works.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A name for the run, printed with the results.
    pub name: &'static str,
    /// The connection counts of the throughput scenario.
    pub connections: Vec<usize>,
    /// Requests per throughput run, shared out among the connections.
    pub requests: u64,
    /// The time limit of every load run.
    pub time_limit: Duration,
    /// Classes the throughput runs spread their students over.
    pub classes: usize,
    /// The class sizes of the sweep.
    pub class_sizes: Vec<u64>,
    /// Each size is filled again (in a new class) until at least this many
    /// requests were timed: small classes fill in milliseconds, and one
    /// such run is too short to trust.
    pub sweep_requests: u64,
    /// How many times each throughput run and each class size is measured.
    /// The machine is shared and noisy: the runs of all servers take turns
    /// (baseline, 01, 02, 03, baseline, ...), and the median is reported, so
    /// a burst of outside load cannot favour one server.
    pub repeats: usize,
    /// How many idle connections to hold.
    pub idle_connections: usize,
    /// How long to hold them while measuring CPU use.
    pub idle_hold: Duration,
    /// How many idle connections the crowd scenario holds.
    pub crowd_connections: usize,
}

impl Settings {
    /// The full run whose results the book shows: a few minutes on 2 cores.
    pub fn full() -> Settings {
        Settings {
            name: "full",
            connections: vec![1, 16, 64],
            requests: 60_000,
            time_limit: Duration::from_secs(15),
            classes: 4,
            class_sizes: vec![1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000],
            sweep_requests: 16_000,
            repeats: 3,
            idle_connections: 1_000,
            idle_hold: Duration::from_secs(3),
            crowd_connections: 10_000,
        }
    }

    /// A tiny version of everything, to check that it all works: seconds.
    pub fn quick() -> Settings {
        Settings {
            name: "quick",
            connections: vec![1, 16, 64],
            requests: 2_000,
            time_limit: Duration::from_secs(5),
            classes: 2,
            class_sizes: vec![1_000, 4_000],
            sweep_requests: 1_000,
            repeats: 1,
            idle_connections: 50,
            idle_hold: Duration::from_millis(300),
            crowd_connections: 100,
        }
    }
}

/// One throughput run.
#[derive(Debug, Clone)]
pub struct ThroughputRun {
    /// Which server.
    pub server: &'static str,
    /// How many connections.
    pub connections: usize,
    /// Which of the repeats this was (0, 1, ...).
    pub repeat: usize,
    /// What the load generator measured.
    pub outcome: Outcome,
    /// The server's CPU time (user + system) per answered request, in µs:
    /// what the server itself spent, which outside load disturbs far less
    /// than the wall-clock figures.
    pub server_cpu_us: Option<f64>,
}

/// One point of the class-size sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// Which server.
    pub server: &'static str,
    /// Students in the class at the end of each fill.
    pub class_size: u64,
    /// How many times the class was filled.
    pub repeats: usize,
    /// The mean time per request while filling the class (median over repeats).
    pub micros_per_request: f64,
    /// The server's CPU time per request over all repeats, µs.
    pub server_cpu_us: Option<f64>,
    /// Every fill's check passed and nothing went wrong.
    pub ok: bool,
}

/// The idle-connections figures of one server.
#[derive(Debug, Clone)]
pub struct Idle {
    /// Which server.
    pub server: &'static str,
    /// How many connections were asked for.
    pub wanted: usize,
    /// What was measured, or why nothing was.
    pub figures: Result<IdleFigures, String>,
}

/// What holding many idle connections cost a server.
#[derive(Debug, Clone)]
pub struct IdleFigures {
    /// Connections that were accepted and answered twice (before and after
    /// the idle hold).
    pub answered: usize,
    /// What went wrong: connections refused, unanswered or closed.
    pub errors: Vec<String>,
    /// Resident memory before the connections were opened, KiB.
    pub rss_before_kib: Option<u64>,
    /// Resident memory while they were held, KiB.
    pub rss_kib: Option<u64>,
    /// The server's threads while they were held.
    pub threads: Option<u64>,
    /// CPU used while nobody sent anything, in percent of one core.
    pub idle_cpu_percent: Option<f64>,
}

/// Everything one `bench` run measured.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The throughput scenario.
    pub throughput: Vec<ThroughputRun>,
    /// The class-size sweep.
    pub sweep: Vec<SweepPoint>,
    /// The idle-connections scenario.
    pub idle: Vec<Idle>,
    /// The crowd scenario: many more idle connections, [`CROWD`] only.
    pub crowd: Vec<Idle>,
}

/// Runs every scenario against every contender; `say` hears about progress.
///
/// `idle_connections` and `crowd_connections` are the settings' counts,
/// lowered to what the open-file limit allows.
pub fn run_all(
    settings: &Settings,
    binaries: &Path,
    (idle_connections, crowd_connections): (usize, usize),
    say: &mut dyn FnMut(String),
) -> Result<Results, String> {
    let binary = |name: &str| binaries.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let start =
        |contender: &Contender| ServerProcess::start(&binary(contender.name), contender.options);
    let mut results = Results::default();
    for repeat in 0..settings.repeats {
        for &connections in &settings.connections {
            for contender in &CONTENDERS {
                say(format!(
                    "throughput: {} with {connections} connection(s), run {}",
                    contender.name,
                    repeat + 1
                ));
                let server = start(contender)?;
                let (outcome, server_cpu_us) = measured(&server, || {
                    throughput(settings, &server, *contender, connections)
                })?;
                say(format!("  {:.0} requests/s", outcome.throughput()));
                results.throughput.push(ThroughputRun {
                    server: contender.name,
                    connections,
                    repeat,
                    outcome,
                    server_cpu_us,
                });
            }
        }
    }
    results.sweep = sweep(settings, &start, say)?;
    for contender in &CONTENDERS {
        say(format!(
            "idle: {} with {idle_connections} connections",
            contender.name
        ));
        let figures = match contender.role {
            Role::OneAtATime => Err("serves one connection at a time: the others would wait \
                                     unanswered in the listen backlog"
                .to_owned()),
            _ => Ok(hold_idle(
                &start(contender)?,
                idle_connections,
                settings.idle_hold,
            )),
        };
        results.idle.push(Idle {
            server: contender.name,
            wanted: idle_connections,
            figures,
        });
    }
    for server in CROWD {
        say(format!(
            "crowd: {server} with {crowd_connections} connections"
        ));
        let options = crowd_options(server, crowd_connections);
        let process = ServerProcess::start(&binary(server), &options)?;
        results.crowd.push(Idle {
            server,
            wanted: crowd_connections,
            figures: Ok(hold_idle(&process, crowd_connections, settings.idle_hold)),
        });
    }
    Ok(results)
}

/// Runs `load` and also returns the server's CPU time per answered request.
fn measured(
    server: &ServerProcess,
    load: impl FnOnce() -> Result<Outcome, String>,
) -> Result<(Outcome, Option<f64>), String> {
    let before = server.cpu_time();
    let outcome = load()?;
    let cpu = before
        .zip(server.cpu_time())
        .map(|(before, after)| micros(after - before) / outcome.answered.max(1) as f64);
    Ok((outcome, cpu))
}

/// The class-size sweep: one server per contender for the whole sweep,
/// sizes and repeats taking turns between them.
fn sweep(
    settings: &Settings,
    start: &dyn Fn(&Contender) -> Result<ServerProcess, String>,
    say: &mut dyn FnMut(String),
) -> Result<Vec<SweepPoint>, String> {
    let servers = CONTENDERS
        .iter()
        .map(start)
        .collect::<Result<Vec<_>, _>>()?;
    let mut next_class = 1;
    let mut points = Vec::new();
    for &size in &settings.class_sizes {
        let repeats = (settings.sweep_requests.div_ceil(size) as usize).max(settings.repeats);
        say(format!(
            "class size: {size} students, {repeats} fill(s) per server"
        ));
        let mut costs = vec![Vec::with_capacity(repeats); CONTENDERS.len()];
        let mut ok = vec![true; CONTENDERS.len()];
        // CPU time is counted in ticks of 10 ms, as long as a whole fill of
        // a small class: read it once around all the fills of a size, not
        // around each one. A server uses no CPU while the others take turns.
        let cpu_before: Vec<_> = servers.iter().map(ServerProcess::cpu_time).collect();
        for _ in 0..repeats {
            for (i, (contender, server)) in CONTENDERS.iter().zip(&servers).enumerate() {
                let plan = Plan {
                    classes: 1,
                    first_class: next_class,
                    requests: size,
                    time_limit: settings.time_limit * 2,
                    ..plan(settings, server, *contender)
                };
                next_class += 1;
                let outcome =
                    loadgen::run(&plan).map_err(|error| format!("{}: {error}", contender.name))?;
                ok[i] &= outcome.ok() && outcome.answered == size;
                costs[i].push(micros(outcome.elapsed) / outcome.answered.max(1) as f64);
            }
        }
        let requests = (size * repeats as u64) as f64;
        let cpu: Vec<Option<f64>> = servers
            .iter()
            .zip(cpu_before)
            .map(|(server, before)| {
                let used = server
                    .cpu_time()
                    .zip(before)
                    .map(|(after, before)| after - before);
                used.map(|used| micros(used) / requests)
            })
            .collect();
        for (i, contender) in CONTENDERS.iter().enumerate() {
            points.push(SweepPoint {
                server: contender.name,
                class_size: size,
                repeats,
                micros_per_request: median(std::mem::take(&mut costs[i])),
                server_cpu_us: cpu[i],
                ok: ok[i],
            });
        }
    }
    Ok(points)
}

/// The plan every load run starts from.
fn plan(settings: &Settings, server: &ServerProcess, contender: Contender) -> Plan {
    Plan {
        server: server.addr(),
        connections: 1,
        depth: 1,
        classes: settings.classes,
        first_class: 1,
        requests: settings.requests,
        time_limit: settings.time_limit,
        no_check: contender.role == Role::Baseline,
    }
}

fn throughput(
    settings: &Settings,
    server: &ServerProcess,
    contender: Contender,
    connections: usize,
) -> Result<Outcome, String> {
    let plan = Plan {
        connections,
        ..plan(settings, server, contender)
    };
    loadgen::run(&plan).map_err(|error| format!("{}: {error}", contender.name))
}

/// Opens `count` connections, has each answered once, holds them all idle,
/// measures the server, then has each answered once more.
pub fn hold_idle(server: &ServerProcess, count: usize, hold: Duration) -> IdleFigures {
    let rss_before_kib = server.rss_kib();
    let mut errors = Vec::new();
    let mut connections = Vec::with_capacity(count);
    for _ in 0..count {
        match TcpStream::connect_timeout(&server.addr(), Duration::from_secs(5)) {
            Ok(stream) => connections.push(stream),
            Err(error) => errors.push(format!("connect: {error}")),
        }
    }
    let mut connections = ask_each(connections, &mut errors);
    let cpu_before = server.cpu_time();
    thread::sleep(hold);
    let cpu_after = server.cpu_time();
    let (rss_kib, threads) = (server.rss_kib(), server.threads());
    connections = ask_each(connections, &mut errors);
    let idle_cpu_percent = cpu_before
        .zip(cpu_after)
        .map(|(before, after)| (after - before).as_secs_f64() / hold.as_secs_f64() * 100.0);
    IdleFigures {
        answered: connections.len(),
        errors,
        rss_before_kib,
        rss_kib,
        threads,
        idle_cpu_percent,
    }
}

/// Sends `HELP` on every connection, then reads every answer; keeps the
/// connections that answered, and notes what went wrong with the others.
fn ask_each(connections: Vec<TcpStream>, errors: &mut Vec<String>) -> Vec<TcpStream> {
    let mut sent = Vec::with_capacity(connections.len());
    for mut stream in connections {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        match stream.write_all(b"HELP\n") {
            Ok(()) => sent.push(stream),
            Err(error) => errors.push(format!("send: {error}")),
        }
    }
    let mut alive = Vec::with_capacity(sent.len());
    for stream in sent {
        let mut line = String::new();
        let answer = BufReader::new(&stream).read_line(&mut line);
        match (answer, Response::parse(line.trim_end())) {
            (Ok(n), Ok(response)) if n > 0 && !matches!(response, Response::Error { .. }) => {
                alive.push(stream)
            }
            (Err(error), _) => errors.push(format!("no answer: {error}")),
            _ => errors.push(format!("answer {:?}", line.trim_end())),
        }
    }
    alive
}
