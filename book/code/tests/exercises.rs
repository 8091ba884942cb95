//! Tests of the exercise solutions: each runs a solution's server in this
//! process, on a port of 127.0.0.1 the system picks, and talks to it over
//! real sockets. Every read has a timeout, so a broken solution fails a
//! test instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use book_code::exercises::{budget, directory, idle_timeout, peer_limit, shards, stats};
use chamada::{serve, Clock, RollCalls};

/// The longest any read in these tests waits.
const WAIT: Duration = Duration::from_secs(5);

/// A client connection, as `nc` would be.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        Client {
            writer: stream.try_clone().unwrap(),
            reader: BufReader::new(stream),
        }
    }

    /// The next response line, without its newline; "" once the server closed.
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .expect("a response in time");
        line.trim_end().to_owned()
    }

    /// Sends one request and returns its response.
    fn ask(&mut self, request: &str) -> String {
        self.writer
            .write_all(format!("{request}\n").as_bytes())
            .unwrap();
        self.line()
    }
}

fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

fn roll_calls() -> RollCalls {
    RollCalls::new(Clock::System)
}

// ANCHOR: idle_test
#[test]
fn idle_timeout_frees_lesson_01s_only_place() {
    let (listener, addr) = listener();
    let server = thread::spawn(move || {
        let mut roll_calls = roll_calls();
        idle_timeout::serve_clients(&listener, &mut roll_calls, Duration::from_millis(300), 2);
    });
    let mut silent = Client::connect(addr);
    let started = Instant::now();
    let mut teacher = Client::connect(addr);
    teacher
        .writer
        .write_all(b"START 42\n")
        .expect("the request waits in the socket's buffer");
    // The silent client is timed out and hung up on...
    assert!(silent.line().starts_with("ERROR timeout "));
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(silent.line(), "", "the server closed the silent connection");
    drop(silent);
    // ...and only then is the teacher, who was waiting, served.
    assert!(teacher.line().starts_with("STARTED 42 "));
    drop(teacher);
    server.join().unwrap();
}
// ANCHOR_END: idle_test

#[test]
fn budget_ends_a_connection_after_its_commands() {
    let (listener, addr) = listener();
    let server = thread::spawn(move || {
        let mut roll_calls = roll_calls();
        let (stream, _) = listener.accept().unwrap();
        serve(
            stream,
            &mut budget::Budget::new(|command| roll_calls.answer(command), 3),
        );
    });
    let mut client = Client::connect(addr);
    assert!(client.ask("HELP").starts_with("HELP "), "HELP is free");
    assert!(client.ask("START 1").starts_with("STARTED 1 "));
    assert!(client.ask("PRESENT a 1").starts_with("PRESENCE 1 "));
    assert!(client.ask("STATUS 1").starts_with("STATUS 1 "));
    assert!(
        client.ask("END 1").starts_with("ERROR busy "),
        "one too many"
    );
    assert_eq!(client.line(), "");
    drop(client);
    server.join().unwrap();
}

// ANCHOR: sixteen
/// 16 clients at once, one class each: every presence is recorded in the
/// right class, whatever shares a lock with what.
fn sixteen_concurrent_clients(addr: SocketAddr) {
    let students = 20;
    let clients: Vec<_> = (1..=16)
        .map(|class| {
            thread::spawn(move || {
                let mut client = Client::connect(addr);
                assert!(client
                    .ask(&format!("START {class}"))
                    .starts_with("STARTED "));
                for n in 0..students {
                    let reply = client.ask(&format!("PRESENT s{n} {class}"));
                    assert!(reply.starts_with(&format!("PRESENCE {class} ")), "{reply}");
                }
                client.ask(&format!("END {class}"))
            })
        })
        .collect();
    for (class, client) in (1..=16).zip(clients) {
        let ended = client.join().unwrap();
        let prefix = format!("ENDED {class} ");
        assert!(ended.starts_with(&prefix), "{ended}");
        let count: usize = ended.split(' ').nth(3).unwrap().parse().unwrap();
        assert_eq!(count, students);
    }
}
// ANCHOR_END: sixteen

#[test]
fn shards_serve_sixteen_concurrent_clients() {
    let (listener, addr) = listener();
    let shards = Arc::new(shards::Shards::new(4, || Clock::System));
    thread::spawn(move || shards::serve_forever(listener, shards));
    sixteen_concurrent_clients(addr);
}

#[test]
fn directory_serves_sixteen_concurrent_clients() {
    let (listener, addr) = listener();
    let directory = Arc::new(directory::Directory::new(|| Clock::System));
    thread::spawn(move || directory::serve_forever(listener, directory));
    sixteen_concurrent_clients(addr);
}

#[test]
fn directory_refuses_like_every_lesson() {
    let (listener, addr) = listener();
    let directory = Arc::new(directory::Directory::new(|| Clock::System));
    thread::spawn(move || directory::serve_forever(listener, directory));
    let mut client = Client::connect(addr);
    assert!(client.ask("PRESENT a 9").starts_with("PRESENCE 0 "));
    assert_eq!(
        client.ask("STATUS 9"),
        "ERROR not-open class 9 has no open roll call"
    );
    assert!(client.ask("START 9").starts_with("STARTED 9 "));
    assert_eq!(
        client.ask("START 9"),
        "ERROR already-open class 9 already has an open roll call"
    );
    assert!(client.ask("END 9").ends_with(" 0"));
    assert_eq!(
        client.ask("END 9"),
        "ERROR not-open class 9 has no open roll call"
    );
}

/// Connects and sends `request` until the server stops answering
/// `ERROR busy`; returns the connection and the response.
fn ask_until_admitted(addr: SocketAddr, request: &str) -> (Client, String) {
    let deadline = Instant::now() + WAIT;
    loop {
        let mut client = Client::connect(addr);
        let response = client.ask(request);
        if !response.starts_with("ERROR busy ") || Instant::now() > deadline {
            return (client, response);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn peer_limit_turns_away_the_third_connection_from_one_address() {
    use lesson_03_final::registry::Registry;
    use lesson_03_final::{Config, Shutdown};

    let (listener, addr) = listener();
    let (registry, registry_thread) = Registry::start(roll_calls());
    let shutdown = Shutdown::new();
    let per_peer = peer_limit::PerPeer::new(2);
    let config = Arc::new(Config::default());
    let accepting = {
        let shutdown = shutdown.clone();
        thread::spawn(move || {
            peer_limit::accept_loop(&listener, &per_peer, &registry, &config, &shutdown)
        })
    };

    let mut first = Client::connect(addr);
    let mut second = Client::connect(addr);
    assert!(first.ask("START 3").starts_with("STARTED 3 "));
    assert!(second.ask("PRESENT a 3").starts_with("PRESENCE 3 "));
    let mut third = Client::connect(addr);
    assert!(third
        .line()
        .starts_with("ERROR busy 127.0.0.1 already has 2 "));
    // Once one leaves, its place is free again: as soon as its thread
    // ends, which is a moment after the client sees the connection close.
    assert_eq!(first.ask("QUIT"), "BYE");
    assert_eq!(first.line(), "");
    drop(first);
    let (mut fourth, status) = ask_until_admitted(addr, "STATUS 3");
    assert!(status.ends_with(" 1 a"), "{status}");

    // Stop: begin the shutdown, wake `accept` with one more connection, and
    // let the connections see the signal.
    shutdown.begin();
    drop(TcpStream::connect(addr));
    accepting.join().unwrap();
    assert!(second.line().starts_with("ERROR shutdown "));
    assert!(fourth.line().starts_with("ERROR shutdown "));
    drop((second, fourth));
    let roll_calls = registry_thread.join().unwrap();
    assert_eq!(roll_calls.still_open().len(), 1);
}

#[test]
fn stats_count_what_the_registry_did() {
    let (listener, addr) = listener();
    let (registry, registry_thread) = stats::Registry::start(roll_calls());
    let handle = registry.clone();
    let server = thread::spawn(move || {
        // Two connections, each on its own thread, as in lesson 03.
        let threads: Vec<_> = listener
            .incoming()
            .take(2)
            .map(|stream| {
                let mut registry = handle.clone();
                let stream = stream.unwrap();
                thread::spawn(move || serve(stream, &mut registry))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    });
    let mut teacher = Client::connect(addr);
    let mut student = Client::connect(addr);
    assert!(teacher.ask("START 5").starts_with("STARTED 5 "));
    assert!(student.ask("PRESENT a 5").starts_with("PRESENCE 5 "));
    assert!(student.ask("PRESENT a 6").starts_with("PRESENCE 0 "));
    assert!(teacher.ask("START 6").starts_with("STARTED 6 "));
    assert!(teacher.ask("END 6").starts_with("ENDED 6 "));
    assert!(student.ask("HELP").starts_with("HELP "));
    drop((teacher, student));
    server.join().unwrap();

    let expected = stats::Stats {
        commands: 5,
        presences: 1,
        refusals: 1,
        open: 1,
    };
    assert_eq!(registry.stats(), Some(expected));
    drop(registry);
    assert_eq!(registry_thread.join().unwrap().still_open().len(), 1);
}
