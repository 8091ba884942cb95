//! The roll call over UDP, to try by hand (see the book's chapter "TCP and UDP").
//!
//! ```text
//! cargo run -p book-code --bin udp-roll-call -- server
//! cargo run -p book-code --bin udp-roll-call -- ask 127.0.0.1:5050 START 42
//! ```
//!
//! The point of this program is the two functions it calls,
//! `udp::Server::run` and `udp::ask`; clap reads its command line, as in
//! every other program of the course.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use book_code::udp;
use chamada::server::{roll_calls_from_env, DEFAULT_ADDR};
use chamada::Request;
use clap::{Parser, Subcommand};

/// How long `ask` waits for an answer before deciding it is not coming.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The roll call over UDP: one datagram per request, one per answer.
#[derive(Parser)]
#[command(name = "udp-roll-call", version)]
struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Answer requests on a UDP address until stopped (Ctrl-C).
    Server {
        /// The UDP address to listen on.
        #[arg(default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
    },
    /// Send one request and print the answer, e.g. ask 127.0.0.1:5050 START 42.
    Ask {
        /// The server's UDP address.
        addr: SocketAddr,
        /// The request, as its words: START 42.
        #[arg(required = true)]
        request: Vec<String>,
    },
}

fn main() -> ExitCode {
    match Args::parse().action {
        Action::Server { addr } => server(addr),
        Action::Ask { addr, request } => ask(addr, &request.join(" ")),
    }
}

/// Runs a server until the program is stopped (Ctrl-C).
fn server(addr: SocketAddr) -> ExitCode {
    let bound = roll_calls_from_env()
        .map_err(|error| format!("{error:?}"))
        .and_then(|roll_calls| {
            udp::Server::bind(addr, roll_calls).map_err(|e| format!("cannot bind {addr}: {e}"))
        });
    match bound {
        Ok(server) => {
            match server.local_addr() {
                Ok(local) => println!("listening for datagrams on {local} (UDP)"),
                Err(error) => eprintln!("bound, but: {error}"),
            }
            server.run();
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("udp-roll-call: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Sends one request and prints the response line, or why there was none.
fn ask(addr: SocketAddr, line: &str) -> ExitCode {
    let request = match Request::parse(line) {
        Ok(Some(request)) => request,
        Ok(None) => {
            eprintln!("udp-roll-call: not sent: the request is blank");
            return ExitCode::from(2);
        }
        Err(bad) => {
            eprintln!("udp-roll-call: not sent: {bad}");
            return ExitCode::from(2);
        }
    };
    match udp::ask(addr, &request, TIMEOUT) {
        Ok(response) => {
            println!("{response}");
            ExitCode::SUCCESS
        }
        Err(error) if chamada::connection::is_timeout(&error) => {
            eprintln!(
                "udp-roll-call: no answer from {addr} within {} s: the request or its \
                 answer was lost, or no server is there",
                TIMEOUT.as_secs()
            );
            ExitCode::FAILURE
        }
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
            eprintln!("udp-roll-call: nobody listens on UDP {addr} (the system said: {error})");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("udp-roll-call: {error}");
            ExitCode::FAILURE
        }
    }
}
