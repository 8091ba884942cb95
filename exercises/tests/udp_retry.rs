//! Exercise "TCP and UDP": a request sent again until it is answered.
//!
//! `cargo test -p exercises --test udp_retry` tests the starter, the file
//! you edit; add `--features solutions` to test the solution instead.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use exercises::udp_retry::ask_with_retries;

/// How long the client waits for each answer in these tests.
const WAIT: Duration = Duration::from_millis(100);

fn udp_socket() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

/// A UDP server that loses the first `lose` requests, as a network might,
/// and answers the next one with "got " and the request. Before that
/// answer it has a stranger send "forged" to the client. It then waits for
/// more requests for a while (a client that keeps sending after its
/// answer), and returns how many it received in all.
fn lossy_server(lose: usize, answer: bool) -> (SocketAddr, JoinHandle<usize>) {
    let server = udp_socket();
    let addr = server.local_addr().unwrap();
    let thread = thread::spawn(move || {
        // Long enough for the client's every try, bounded all the same.
        server.set_read_timeout(Some(WAIT * 4)).unwrap();
        let mut buffer = [0; 1024];
        let mut received = 0;
        while let Ok((n, client)) = server.recv_from(&mut buffer) {
            received += 1;
            if answer && received == lose + 1 {
                udp_socket().send_to(b"forged", client).unwrap();
                let reply = [b"got ", &buffer[..n]].concat();
                server.send_to(&reply, client).unwrap();
            }
        }
        received
    });
    (addr, thread)
}

// ANCHOR: lossy
#[test]
fn lost_requests_are_sent_again() {
    let (server, received) = lossy_server(2, true);
    let reply = ask_with_retries(&udp_socket(), server, b"START 42", 5, WAIT).unwrap();
    assert_eq!(
        reply, b"got START 42",
        "the server's answer, not the stranger's"
    );
    assert_eq!(
        received.join().unwrap(),
        3,
        "two lost, one answered, no more"
    );
}
// ANCHOR_END: lossy

#[test]
fn a_server_that_never_answers_gets_every_try_then_a_timeout() {
    let (server, received) = lossy_server(0, false);
    let error =
        ask_with_retries(&udp_socket(), server, b"START 42", 3, WAIT).expect_err("nobody answers");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    assert_eq!(received.join().unwrap(), 3);
}
