//! The stalled crowd: clients that ask for long responses and never read
//! them, and one ordinary teacher who wants a `STATUS`.
//!
//! Each stalled client connects with a small receive buffer, sends many
//! `STATUS` requests for a full class (2,000 students, a line of about
//! 66 KB) and reads nothing. Meanwhile, from the moment the crowd starts
//! arriving until it is all stuck, an ordinary client asks for the same
//! `STATUS` again and again, reading each answer; the figure is how long it
//! waited, at most and in the median. Lesson 03 and
//! the event loop cap each socket's send buffer (and the event loop its
//! own output per connection), so that the crowd costs the others little.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::process::ServerProcess;
use crate::report::grid;
use crate::stats::median;

/// The servers measured, with their options.
pub const SERVERS: [(&str, &[&str]); 2] = [
    (
        "lesson-03-final",
        &["--no-journal", "--max-connections", "2000"],
    ),
    ("lesson-bonus-event-loop", &["--max-connections", "2000"]),
];

/// The sizes of this scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Stalled clients.
    pub stalled: usize,
    /// `STATUS` requests each stalled client sends.
    pub requests_each: usize,
    /// The fewest timed `STATUS` requests of the ordinary client (it goes
    /// on asking while the crowd arrives, and two seconds more).
    pub samples: usize,
}

impl Settings {
    /// The full run: the crowd of the issue that asked for it.
    pub fn full() -> Settings {
        Settings {
            stalled: 500,
            requests_each: 50,
            samples: 50,
        }
    }

    /// A tiny one, to check that it works.
    pub fn quick() -> Settings {
        Settings {
            stalled: 20,
            requests_each: 10,
            samples: 5,
        }
    }
}

/// What one server did: the ordinary client's waits.
#[derive(Debug, Clone)]
pub struct Stalled {
    /// `(server, waits)`.
    pub waits: Vec<(&'static str, Vec<Duration>)>,
    /// The settings it ran with.
    pub settings: Settings,
}

/// Runs the scenario against each of [`SERVERS`].
pub fn run(
    settings: &Settings,
    binaries: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Stalled, String> {
    let mut waits = Vec::new();
    for (name, options) in SERVERS {
        let binary = binaries.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let server = ServerProcess::start(&binary, options)?;
        let measured = measure(server.addr(), settings)
            .map_err(|error| format!("stalled crowd against {name}: {error}"))?;
        let worst = measured.iter().max().copied().unwrap_or_default();
        say(format!(
            "stalled crowd: {name}, {} stalled clients: worst STATUS wait {worst:?}",
            settings.stalled
        ));
        waits.push((name, measured));
    }
    Ok(Stalled {
        waits,
        settings: settings.clone(),
    })
}

/// Fills class 1, starts the crowd, waits for it to stall, then times the
/// ordinary client's requests.
fn measure(server: SocketAddr, settings: &Settings) -> std::io::Result<Vec<Duration>> {
    let mut teacher = Client::connect(server)?;
    teacher.ask("START 1")?;
    let mut fill = String::new();
    for n in 0..2000 {
        let _ = writeln!(fill, "PRESENT {n:0>32} 1");
    }
    teacher.stream.write_all(fill.as_bytes())?;
    for _ in 0..2000 {
        teacher.line()?;
    }
    let requests = "STATUS 1\n".repeat(settings.requests_each);
    let (stalled, requests_each) = (settings.stalled, requests);
    let (crowd_ready, ready) = std::sync::mpsc::channel();
    let crowd = thread::spawn(move || -> std::io::Result<Vec<TcpStream>> {
        let mut crowd = Vec::with_capacity(stalled);
        for _ in 0..stalled {
            let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
            socket.set_recv_buffer_size(4096)?;
            socket.connect(&server.into())?;
            let stream: TcpStream = socket.into();
            // Never blocks for long: what does not fit is simply not sent.
            stream.set_write_timeout(Some(Duration::from_millis(50)))?;
            let _ = (&stream).write_all(requests_each.as_bytes());
            crowd.push(stream);
        }
        let _ = crowd_ready.send(());
        Ok(crowd)
    });
    // Time the ordinary client from the moment the crowd starts arriving,
    // while the server takes in its requests and answers them, until two
    // seconds after the last stalled client has sent its requests.
    let mut waits = Vec::new();
    let mut crowd_done: Option<Instant> = None;
    while waits.len() < settings.samples
        || crowd_done.is_none_or(|done| done.elapsed() < Duration::from_secs(2))
    {
        let start = Instant::now();
        teacher.ask("STATUS 1")?;
        waits.push(start.elapsed());
        if crowd_done.is_none() && ready.try_recv().is_ok() {
            crowd_done = Some(Instant::now());
        }
    }
    let crowd = crowd.join().expect("the crowd's thread does not panic")?;
    drop(crowd);
    Ok(waits)
}

/// An ordinary client that reads every answer.
struct Client {
    stream: TcpStream,
    lines: BufReader<TcpStream>,
}

impl Client {
    fn connect(server: SocketAddr) -> std::io::Result<Client> {
        let stream = TcpStream::connect(server)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let lines = BufReader::new(stream.try_clone()?);
        Ok(Client { stream, lines })
    }

    fn line(&mut self) -> std::io::Result<String> {
        let mut line = String::new();
        if self.lines.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(line)
    }

    fn ask(&mut self, request: &str) -> std::io::Result<String> {
        self.stream.write_all(format!("{request}\n").as_bytes())?;
        self.line()
    }
}

impl Stalled {
    /// The table: per server, the ordinary client's median and worst wait.
    pub fn table(&self) -> String {
        let mut text = format!(
            "Stalled crowd: {} clients each asking {} STATUS of a 2,000-student class and \
             reading nothing; an ordinary client's STATUS, asked again and again from the moment \
             the crowd starts arriving until 2 s after it has all arrived\n",
            self.settings.stalled, self.settings.requests_each
        );
        let header = ["server", "requests timed", "median wait", "worst wait"].map(String::from);
        let rows: Vec<Vec<String>> = self
            .waits
            .iter()
            .map(|(name, waits)| {
                let ms: Vec<f64> = waits.iter().map(|w| w.as_secs_f64() * 1000.0).collect();
                let worst = ms.iter().copied().fold(0.0, f64::max);
                vec![
                    name.to_string(),
                    ms.len().to_string(),
                    format!("{:.1} ms", median(ms)),
                    format!("{worst:.1} ms"),
                ]
            })
            .collect();
        text.push_str(&grid(&header, &rows));
        text
    }
}
