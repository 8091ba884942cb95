//! The registry: one thread that owns every roll call, and the channel that
//! connection threads use to reach it.
//!
//! Lesson 02 let every connection thread change the state, taking turns
//! with a mutex. Here no connection thread ever touches the state. Each one
//! sends its command as a message to the registry thread, together with a
//! reply channel, and waits for the answer. The registry handles one message
//! at a time, so there is nothing to lock: the state has one owner, and the
//! order of the messages *is* the order of events.
//!
//! Step 5 adds a journal, and the registry takes its messages in batches:
//! everything waiting in the inbox is answered together, its changes made
//! durable with one sync of the journal, and then the replies go out.
//!
//! Step 6 pipelines that: the registry writes a batch and hands the sync,
//! and the batch's replies, to a syncer thread of its own, then goes on to
//! the next batch while the disk works. A reply still leaves only after a
//! sync that covers it (see [`sync_then_reply`]).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use chamada::{Command, Response, RollCalls};
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

use crate::journal::Journal;

// ANCHOR: message
/// One request to the registry: what to do, and where to send the answer.
struct Envelope {
    /// The command a client sent.
    command: Command,
    /// The sending end of a channel that only the asking thread listens to:
    /// the answer goes back to the one thread that asked, and nobody else.
    reply: Sender<Response>,
}
// ANCHOR_END: message

/// A handle to the registry. Every connection thread has its own clone; all
/// clones feed the same inbox.
#[derive(Clone)]
pub struct Registry {
    /// Where commands go. Each connection has at most one command in flight
    /// (it waits for the answer before reading its next request), so the
    /// inbox never holds more than one message per connection and needs no
    /// bound of its own.
    inbox: Sender<Envelope>,
}

// ANCHOR: spawn
impl Registry {
    /// Starts the registry thread, giving it the roll calls to own, in
    /// memory only.
    ///
    /// The thread runs until every `Registry` handle is dropped, then hands
    /// the roll calls back through its `JoinHandle`: at shutdown, whatever
    /// is still open can be printed, so nothing is lost.
    pub fn start(roll_calls: RollCalls) -> (Registry, JoinHandle<RollCalls>) {
        Registry::start_with(roll_calls, None, MAX_BATCH)
    }

    /// Starts the registry thread with a journal (step 5), or without one,
    /// taking at most `max_batch` messages at a time from its inbox.
    pub fn start_with(
        roll_calls: RollCalls,
        journal: Option<Journal>,
        max_batch: usize,
    ) -> (Registry, JoinHandle<RollCalls>) {
        let (inbox, messages) = unbounded();
        let max_batch = max_batch.max(1);
        let journal = journal.map(|journal| {
            let syncer = start_syncer(journal.path().to_owned(), max_batch);
            (journal, syncer)
        });
        let owner = Owner {
            roll_calls,
            journal,
            max_batch,
        };
        let thread = thread::Builder::new()
            .name("registry".into())
            .spawn(move || own_the_state(messages, owner))
            .expect("the system refused to start the registry thread");
        (Registry { inbox }, thread)
    }
    // ANCHOR_END: spawn

    // ANCHOR: ask
    /// Sends a command to the registry and waits for its answer.
    pub fn ask(&self, command: Command) -> Response {
        // A channel with room for exactly one message: the answer.
        let (reply, answer) = bounded(1);
        if self.inbox.send(Envelope { command, reply }).is_err() {
            return Response::shutdown(); // the registry has stopped
        }
        answer.recv().unwrap_or_else(|_| Response::shutdown())
    }
    // ANCHOR_END: ask
}

/// The most messages the registry takes from its inbox at once, unless
/// told otherwise: as many as there are connections by default. Bounded, so
/// that a reply never waits behind an endless batch.
pub const MAX_BATCH: usize = 1024;

/// What the registry thread owns.
struct Owner {
    /// Every roll call.
    roll_calls: RollCalls,
    /// Where changes are made durable, if anywhere (step 5), and the
    /// syncer thread that makes them so and then replies (step 6).
    journal: Option<(Journal, Syncer)>,
    /// The most messages taken at once.
    max_batch: usize,
}

/// The syncer thread, and the way to hand it written batches.
struct Syncer {
    /// Where written batches go, in the order they were written.
    written: Sender<Written>,
    /// The thread, to wait for at the end.
    thread: JoinHandle<()>,
}

/// A batch written to the journal, waiting for its sync.
struct Written {
    /// The file to sync, if the batch changed anything.
    file: Option<Arc<File>>,
    /// Its replies, which leave once the sync is done.
    replies: Vec<(Sender<Response>, Response)>,
}

// ANCHOR: own_the_state
/// The registry thread's whole life: answer messages in arrival order until
/// no sender is left, then give the state back.
fn own_the_state(messages: Receiver<Envelope>, mut owner: Owner) -> RollCalls {
    for first in &messages {
        // Every other message already waiting joins the first (up to
        // `max_batch`): a batch, answered together (step 5).
        let waiting = messages.try_iter().take(owner.max_batch - 1);
        let batch: Vec<Envelope> = std::iter::once(first).chain(waiting).collect();
        owner.answer_batch(batch);
    }
    // The last replies leave once the syncer has synced what it holds.
    if let Some((_, syncer)) = owner.journal {
        drop(syncer.written);
        let _ = syncer.thread.join();
    }
    owner.roll_calls
}
// ANCHOR_END: own_the_state

impl Owner {
    // ANCHOR: answer_batch
    /// Group commit, pipelined: apply every command of the batch and write
    /// their changes to the journal, then hand the sync and the replies to
    /// the syncer thread and return, to take the next batch while the disk
    /// works. Without a journal, the replies go out at once.
    fn answer_batch(&mut self, batch: Vec<Envelope>) {
        let mut replies = Vec::with_capacity(batch.len());
        for Envelope { command, reply } in batch {
            let response = match &mut self.journal {
                Some((journal, _)) => journal.answer(&mut self.roll_calls, command),
                None => self.roll_calls.answer(command),
            };
            replies.push((reply, response));
        }
        let Some((journal, syncer)) = &mut self.journal else {
            return send_all(replies);
        };
        let file = journal
            .write()
            .unwrap_or_else(|error| stop_for_good(journal.path(), &error));
        // Even a batch that changed nothing waits its turn: its answers may
        // show changes of an earlier batch that is still being synced.
        let _ = syncer.written.send(Written { file, replies });
    }
    // ANCHOR_END: answer_batch
}

/// Sends every reply. If the asking thread has gone (its client hung up),
/// nobody wants the answer; the state change itself has still happened.
fn send_all(replies: Vec<(Sender<Response>, Response)>) {
    for (reply, response) in replies {
        let _ = reply.send(response);
    }
}

/// Starts the syncer thread of the journal at `journal`.
fn start_syncer(journal: PathBuf, max_batch: usize) -> Syncer {
    let (written, batches) = unbounded();
    let thread = thread::Builder::new()
        .name("syncer".into())
        .spawn(move || sync_then_reply(&batches, &journal, max_batch))
        .expect("the system refused to start the syncer thread");
    Syncer { written, thread }
}

// ANCHOR: sync_then_reply
/// The syncer thread's whole life: take every written batch waiting (up to
/// `max_batch`), sync their file once, then send all their replies, in
/// order. A batch was written before it was handed over, so a sync that
/// starts after it was taken covers it; while this thread waits for the
/// disk, the registry answers and writes the next batch.
fn sync_then_reply(batches: &Receiver<Written>, journal: &Path, max_batch: usize) {
    for first in batches {
        let waiting = batches.try_iter().take(max_batch - 1);
        let ready: Vec<Written> = std::iter::once(first).chain(waiting).collect();
        // Usually one file; two if a compaction switched files meanwhile.
        let mut synced: Vec<&Arc<File>> = Vec::new();
        for file in ready.iter().filter_map(|batch| batch.file.as_ref()) {
            if !synced.iter().any(|done| Arc::ptr_eq(done, file)) {
                if let Err(error) = file.sync_data() {
                    stop_for_good(journal, &error);
                }
                synced.push(file);
            }
        }
        for batch in ready {
            send_all(batch.replies);
        }
    }
}
// ANCHOR_END: sync_then_reply

/// A journal that cannot be written or synced can no longer promise that
/// a change survives a crash, so the server must not acknowledge one more:
/// it stops at once ("fail-stop"). Every change it acknowledged is already
/// in the journal, and a restart replays them. (After a failed sync, the
/// system may have dropped the unwritten data: trying again and carrying
/// on could acknowledge changes that are not on disk.)
///
/// The message is written by a thread of its own (`chamada::log::stop`):
/// a standard error that is closed, or that nobody reads, cannot stop this
/// stop.
fn stop_for_good(journal: &Path, error: &std::io::Error) -> ! {
    let journal = journal.display();
    chamada::log::stop(
        &format!(
            "journal {journal}: cannot make changes durable ({error}); stopping without \
             answering: every change acknowledged so far is in the journal"
        ),
        1,
    )
}
