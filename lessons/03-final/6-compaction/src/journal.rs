//! Steps 5 and 6: the journal. Every change of state is written to a file and
//! made durable before any client is told it happened, so that nothing
//! acknowledged is lost when the process is killed or the machine loses
//! power.
//!
//! The journal is a text file, one line per record, that `cat` shows:
//!
//! ```text
//! 1 2026-11-24T10:15:00-03:00 START 42 crc32=f2796bf4
//! 2 COMMIT 1 batch=65132e83 crc32=4132d0a5
//! 3 2026-11-24T10:15:06-03:00 PRESENT 042191010 42 crc32=ec37406e
//! 4 2026-11-24T10:15:09-03:00 PRESENT 205182055 42 crc32=d4a66754
//! 5 COMMIT 2 batch=b695c231 crc32=3285e086
//! ```
//!
//! Each line starts with its sequence number, one more than the line before
//! it, and ends with a checksum (CRC-32) of the rest. A record is the
//! protocol's own request for the change, after the time it took effect.
//! Each batch of records ends with a `COMMIT` line that counts them and
//! carries a checksum of all of them: a batch counts only once its
//! `COMMIT` is read and agrees.
//!
//! - **Lock** ([`Lock`]): one server per journal, for the process's life.
//! - **Open**: replay the committed batches into the roll calls; cut off an
//!   unfinished last batch (keeping the original beside it); refuse any
//!   other damage.
//! - **Record and commit**: the registry applies a whole batch of requests,
//!   the journal collects their records ([`Journal::answer`]), then writes
//!   them and their `COMMIT` in one `write` and syncs once
//!   ([`Journal::commit`]). Only then does the registry send the replies:
//!   group commit.
//! - **Compact**: once the journal has grown, a thread of its own rebuilds
//!   what is still open from the file and writes it to a new file; the
//!   registry then adds the batches committed meanwhile and renames the new
//!   file over the old one. A compaction that fails changes nothing.
//! - **Ended roll calls**: a list leaves the journal only after it is safe
//!   in a CSV file of its own, in the folder next to the journal (see
//!   [`ended_folder`]).

use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use chamada::files::{create_new_numbered, folder_of, keep_copy, sibling, sync_folder, TEMPORARY};
use chamada::{
    Attendance, ClassId, Clock, Command, Request, Response, RollCall, RollCalls, Timestamp,
};

/// The journal a server uses when told nothing else: in the folder it was
/// started from.
pub const DEFAULT_PATH: &str = "chamada.journal";

/// The journal is compacted once it is this big and twice what it was
/// right after the last compaction: often enough that it never grows far
/// past what it holds, rarely enough that rewriting it costs little.
pub const COMPACT_AT_LEAST: u64 = 4 << 20;

// ANCHOR: record
/// One change of state, as the journal keeps it: the request that made it,
/// and when it took effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// When the change took effect: the time in the response.
    pub at: Timestamp,
    /// `START`, `PRESENT` or `END`: the request that changed something.
    pub change: Command,
}

impl Record {
    /// The record as line number `seq` of the journal, checksum and
    /// newline included.
    pub fn line(&self, seq: u64) -> String {
        with_checksum(&format!("{seq} {} {}", self.at, self.change))
    }

    /// Makes the recorded change to `roll_calls`; false if it does not fit
    /// them (a `PRESENT` for a class that is not open, say).
    fn apply(self, roll_calls: &mut RollCalls) -> bool {
        match self.change {
            Command::Start(class) => roll_calls.restore_start(class, self.at),
            Command::Present { student, class } => {
                roll_calls.restore_presence(student, class, self.at)
            }
            Command::End(class) => roll_calls.restore_end(class),
            Command::Status(_) => false,
        }
    }
}

/// The line that closes a batch: how many records it holds, and a checksum
/// of those lines exactly as written. Replay applies a batch only once it
/// has read this line and both agree.
fn commit_line(seq: u64, records: u64, batch: u32) -> String {
    with_checksum(&format!("{seq} COMMIT {records} batch={batch:08x}"))
}

/// `text` as a line of the journal: with a checksum of it, and a newline.
fn with_checksum(text: &str) -> String {
    format!("{text} crc32={:08x}\n", crc32fast::hash(text.as_bytes()))
}
// ANCHOR_END: record

/// One line of the journal, read back and checked.
#[derive(Debug, PartialEq)]
enum Line {
    /// A change of state.
    Record { seq: u64, record: Record },
    /// The end of a batch of `records` records whose lines have the
    /// checksum `batch`.
    Commit { seq: u64, records: u64, batch: u32 },
}

impl Line {
    /// Reads one line (with its newline) back, checking its checksum.
    fn parse(line: &[u8]) -> Result<Line, String> {
        let line = line
            .strip_suffix(b"\n")
            .ok_or("it is incomplete (it has no end of line)")?;
        let line = std::str::from_utf8(line).map_err(|_| "it is not text")?;
        let (text, checksum) = line.rsplit_once(" crc32=").ok_or("it has no checksum")?;
        if hex(checksum) != Some(crc32fast::hash(text.as_bytes())) {
            return Err("its checksum does not match (it is not what was written)".into());
        }
        let (seq, rest) = text.split_once(' ').ok_or("it is only a number")?;
        let seq = seq.parse().map_err(|_| "it does not start with a number")?;
        if let Some(commit) = rest.strip_prefix("COMMIT ") {
            let (records, batch) = commit.split_once(" batch=").ok_or("a garbled COMMIT")?;
            return match (records.parse(), hex(batch)) {
                (Ok(records), Some(batch)) => Ok(Line::Commit {
                    seq,
                    records,
                    batch,
                }),
                _ => Err("a garbled COMMIT".into()),
            };
        }
        let (at, change) = rest.split_once(' ').ok_or("it has no request")?;
        let at = Timestamp::parse(at).ok_or("its time is not a time")?;
        match Request::parse(change) {
            Ok(Some(Request::Command(change))) if !matches!(change, Command::Status(_)) => {
                Ok(Line::Record {
                    seq,
                    record: Record { at, change },
                })
            }
            _ => Err(format!("{change:?} is not a change of state")),
        }
    }

    /// The line's sequence number.
    fn seq(&self) -> u64 {
        match self {
            Line::Record { seq, .. } | Line::Commit { seq, .. } => *seq,
        }
    }
}

/// Eight hexadecimal digits as a number.
fn hex(digits: &str) -> Option<u32> {
    let all_hex = digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_hexdigit());
    all_hex.then(|| u32::from_str_radix(digits, 16).ok())?
}

// ANCHOR: lock
/// The proof that this process, and no other, may use a journal: an
/// exclusive lock (`File::try_lock`, `flock` on Unix) on a file beside it,
/// `chamada.journal.lock` for `chamada.journal`, held until this is
/// dropped. The lock file is never renamed or deleted, so every server
/// that opens that name opens the same file, whatever compaction does to
/// the journal's own name.
pub struct Lock {
    /// The lock file, locked.
    _file: File,
}

impl Lock {
    /// Takes the lock of the journal at `journal`, or explains who has it.
    /// Touches nothing but the lock file.
    pub fn take(journal: &Path) -> Result<Lock, String> {
        let path = sibling(journal, ".lock");
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                format!(
                    "journal {}: cannot open {}: {e}",
                    journal.display(),
                    path.display()
                )
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(format!(
                "journal {} is in use by another server (it holds {}); stop that server \
                 first, or give this one another --journal",
                journal.display(),
                path.display()
            )),
            Err(TryLockError::Error(error)) => Err(format!(
                "journal {}: cannot lock {}: {error}",
                journal.display(),
                path.display()
            )),
        }
    }
}
// ANCHOR_END: lock

/// A server's journal, open, with its cursor at the end.
pub struct Journal {
    /// Where it is, as the server was told.
    path: PathBuf,
    /// The file: batches are appended to it. Shared with the registry's
    /// syncer thread, which makes what was written durable.
    file: Arc<File>,
    /// The folder where the lists of ended roll calls go.
    ended: PathBuf,
    /// The records of the batch being answered, not yet written.
    batch: Batch,
    /// The lists of the roll calls this batch ended, not yet saved.
    ended_lists: Vec<Attendance>,
    /// The sequence number of the next line.
    next_seq: u64,
    /// How many bytes the file holds: whole, committed batches.
    size: u64,
    /// Once the file is this big, a compaction starts.
    compact_at: u64,
    /// The smallest size that starts a compaction.
    compact_at_least: u64,
    /// The compaction under way, if one is.
    compaction: Option<Compaction>,
}

/// The records of one batch, as they will be written, and their checksum.
#[derive(Default)]
struct Batch {
    /// The lines, one per record.
    lines: String,
    /// How many records.
    records: u64,
    /// The CRC-32 of `lines`, kept up to date.
    checksum: crc32fast::Hasher,
}

/// What opening a journal found in it.
#[derive(Debug, Default)]
pub struct Restored {
    /// The journal, as the server was told.
    pub path: PathBuf,
    /// Roll calls open again.
    pub open: usize,
    /// Presences recorded in them.
    pub presences: usize,
    /// What was wrong but could be set right (an unfinished last batch),
    /// and where the original was kept.
    pub warnings: Vec<String>,
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, open) = (self.path.display().to_string(), self.open);
        let restored = chamada::t!(
            "journal-restored",
            path = path,
            open = open,
            n = self.presences
        );
        f.write_str(&restored)
    }
}

// ANCHOR: open
impl Journal {
    /// Opens (or creates) the journal at `path`, whose [`Lock`] the caller
    /// holds, and replays it into `roll_calls`. An unfinished last batch is
    /// cut off, once the original is kept beside it. Fails with a sentence
    /// for people when the journal is damaged anywhere else, or when it
    /// cannot be written: before the server says it is listening.
    pub fn open(
        path: &Path,
        _lock: &Lock,
        roll_calls: &mut RollCalls,
        compact_at_least: u64,
    ) -> Result<(Journal, Restored), String> {
        let failed =
            |what: &str, error: io::Error| format!("journal {}: {what}: {error}", path.display());
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| failed("cannot open it", e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| failed("cannot read it", e))?;
        let replayed = replay(&bytes, roll_calls, path)?;
        let mut warnings = Vec::new();
        if let Some(damage) = replayed.damage {
            let kept = keep_original(path, &bytes).map_err(|e| failed("cannot keep a copy", e))?;
            cut(&mut file, replayed.length).map_err(|e| failed("cannot cut it", e))?;
            warnings.push(format!(
                "{damage}. The journal as it was is kept in {}",
                kept.display()
            ));
        }
        let ended = ended_folder(path);
        fs::create_dir_all(&ended)
            .map_err(|e| failed("cannot create the folder for ended lists", e))?;
        remove_leftovers(path, &ended);
        let mut journal = Journal {
            path: path.to_owned(),
            file: Arc::new(file),
            ended,
            batch: Batch::default(),
            ended_lists: Vec::new(),
            next_seq: replayed.next_seq,
            size: replayed.length,
            compact_at: compact_at_least,
            compact_at_least,
            compaction: None,
        };
        // An empty batch, written and synced: a server that cannot write
        // its journal finds out now, and says so, rather than at its first
        // change with a client waiting.
        (journal.write_batch())
            .and_then(|()| journal.file.sync_data())
            .map_err(|e| failed("cannot write it", e))?;
        let open = roll_calls.open_roll_calls();
        let restored = Restored {
            path: path.to_owned(),
            open: open.len(),
            presences: open.iter().map(|(_, roll_call)| roll_call.count()).sum(),
            warnings,
        };
        Ok((journal, restored))
    }
    // ANCHOR_END: open

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    // ANCHOR: answer
    /// Carries out `command` on `roll_calls`, as [`RollCalls::answer`]
    /// does, and keeps a record of what it changed for the next
    /// [`Journal::commit`]. Requests that change nothing (a `STATUS`, a
    /// refused or repeated `PRESENT`, a refused `START` or `END`) leave no
    /// record.
    pub fn answer(&mut self, roll_calls: &mut RollCalls, command: Command) -> Response {
        // Read before the change: whether a PRESENT repeats an answer, and
        // the list (with answer times) that an END is about to forget.
        let repeated = matches!(&command, Command::Present { student, class }
            if roll_calls.roll_call(*class).is_some_and(|r| r.answered_at(student).is_some()));
        let ending = match &command {
            Command::End(class) => roll_calls.roll_call(*class).map(|r| attendance(*class, r)),
            _ => None,
        };
        let response = roll_calls.answer(command.clone());
        let at = match &response {
            Response::Started { at, .. } | Response::Ended { at, .. } => *at,
            Response::Presence { class: Some(_), at } if !repeated => *at,
            _ => return response, // nothing changed
        };
        if let Some(mut list) = ending {
            list.closed = Some(at);
            self.ended_lists.push(list);
        }
        let line = Record {
            at,
            change: command,
        }
        .line(self.next_seq + self.batch.records);
        self.batch.add(&line);
        response
    }
    // ANCHOR_END: answer

    // ANCHOR: commit
    /// Writes the batch's records: saves the lists of the roll calls it
    /// ended, then writes the records and their `COMMIT` in one go, but
    /// does not sync. Returns the file to sync before the batch's replies
    /// may go out (none if the batch changed nothing); the registry hands
    /// it to its syncer thread and goes on with the next batch meanwhile.
    /// Then it starts or finishes a compaction, if one is due; a compaction
    /// that fails is logged, and changes nothing.
    pub fn write(&mut self) -> io::Result<Option<Arc<File>>> {
        if self.batch.records == 0 {
            return Ok(None); // nothing changed: nothing to wait for
        }
        // A list must be safe in its own file before the END that drops it
        // from the journal is: then no crash can lose it.
        self.save_ended_lists()?;
        self.write_batch()?;
        // Taken before a compaction may switch files: this batch is in
        // this file (and, if the switch comes, in the new one, synced).
        let written_to = Arc::clone(&self.file);
        self.tend_compaction()?;
        Ok(Some(written_to))
    }

    /// Writes the batch and its `COMMIT` line in one `write`. (Syncing
    /// it is the caller's: `fdatasync` on Linux, `F_FULLFSYNC` on Apple's
    /// systems, after which the data and the file's size are on the disk,
    /// not just in the system's page cache.)
    fn write_batch(&mut self) -> io::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        let seq = self.next_seq + batch.records;
        let mut text = batch.lines;
        text.push_str(&commit_line(seq, batch.records, batch.checksum.finalize()));
        (&*self.file).write_all(text.as_bytes())?;
        self.next_seq = seq + 1;
        self.size += text.len() as u64;
        if let Some(compaction) = &mut self.compaction {
            compaction.tail.push_str(&text); // the new file will need it too
        }
        Ok(())
    }
    // ANCHOR_END: commit

    // ANCHOR: compact
    /// Starts a compaction when the journal has grown past `compact_at`,
    /// and finishes the one under way once its thread is done.
    fn tend_compaction(&mut self) -> io::Result<()> {
        match &self.compaction {
            None if self.size >= self.compact_at => self.start_compaction(),
            Some(compaction) if compaction.thread.is_finished() => self.finish_compaction()?,
            _ => {}
        }
        Ok(())
    }

    /// Hands the journal as it is now (its first `size` bytes, whole
    /// batches) to a thread that writes what is still open in it to a new
    /// file. The registry carries on; every batch it commits from now on
    /// is also kept in `tail`, for the new file.
    fn start_compaction(&mut self) {
        let (journal, length) = (self.path.clone(), self.size);
        let last_seq = self.next_seq - 1; // the COMMIT that ends those bytes
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let started = thread::Builder::new()
            .name("compactor".into())
            .spawn(move || write_snapshot(&journal, length, last_seq, &stop));
        match started {
            Ok(thread) => {
                self.compaction = Some(Compaction {
                    thread,
                    cancel,
                    tail: String::new(),
                })
            }
            Err(error) => self.compaction_failed(error),
        }
    }

    /// Completes the new file with the batches committed since it was
    /// started, syncs it, renames it over the journal and syncs the folder:
    /// a crash at any moment leaves the old journal or the new one, each
    /// whole. Until the rename, a failure leaves the old one in use;
    /// after it, only a failed sync of the folder is an error, and the
    /// server must stop (the new name might not survive a crash).
    fn finish_compaction(&mut self) -> io::Result<()> {
        let Some(compaction) = self.compaction.take() else {
            return Ok(());
        };
        let new_path = sibling(&self.path, ".new");
        let started = Instant::now(); // the registry's own share of the work
        let written = compaction
            .thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the compactor thread panicked")));
        let renamed = written.and_then(|mut new| {
            new.write_all(compaction.tail.as_bytes())?; // 1. the batches since
            new.sync_data()?; //                           2. all on disk
            fs::rename(&new_path, &self.path)?; //         3. it takes the name
            Ok(new)
        });
        let new = match renamed {
            Ok(new) => new,
            Err(error) => {
                let _ = fs::remove_file(&new_path);
                self.compaction_failed(error);
                return Ok(());
            }
        };
        sync_folder(folder_of(&self.path))?; // 4. and the new name is on disk too
        self.size = new.metadata()?.len();
        let old = std::mem::replace(&mut self.file, Arc::new(new));
        // Closing the old file frees its blocks, tens of milliseconds for
        // a large one: not on the registry's thread.
        let _ = thread::Builder::new().spawn(move || drop(old));
        self.compact_at = self.compact_at_least.max(2 * self.size);
        tracing::info!(
            "journal {}: compacted to {} bytes ({} ms on the registry's thread)",
            self.path.display(),
            self.size,
            started.elapsed().as_millis()
        );
        Ok(())
    }

    /// A compaction that failed changes nothing: the journal in use is
    /// whole. Try again once it has grown by as much again.
    fn compaction_failed(&mut self, error: io::Error) {
        self.compact_at = self.size + self.compact_at_least;
        tracing::warn!(
            "journal {}: compaction failed ({error}); carrying on with the journal as it \
             was, nothing lost; trying again past {} bytes",
            self.path.display(),
            self.compact_at
        );
    }
    // ANCHOR_END: compact

    /// Writes each list the batch ended to a new CSV file, atomically (see
    /// [`save_list`]), then syncs their folder: the new names are durable.
    fn save_ended_lists(&mut self) -> io::Result<()> {
        if self.ended_lists.is_empty() {
            return Ok(());
        }
        for list in self.ended_lists.drain(..) {
            save_list(&self.ended, &list)?;
        }
        sync_folder(&self.ended)
    }
}

/// A compaction under way.
struct Compaction {
    /// The thread writing the new file; it returns the file, synced.
    thread: JoinHandle<io::Result<File>>,
    /// Set to ask the thread to give up (the server is stopping).
    cancel: Arc<AtomicBool>,
    /// The batches committed since the thread started, exactly as written.
    tail: String,
}

impl Drop for Journal {
    /// A compaction still under way when the server stops is abandoned:
    /// the journal in use is whole, and the new file is removed.
    fn drop(&mut self) {
        if let Some(compaction) = self.compaction.take() {
            compaction.cancel.store(true, Ordering::SeqCst);
            let _ = compaction.thread.join();
            let _ = fs::remove_file(sibling(&self.path, ".new"));
        }
    }
}

impl Batch {
    /// Adds a record's line.
    fn add(&mut self, line: &str) {
        self.lines.push_str(line);
        self.records += 1;
        self.checksum.update(line.as_bytes());
    }
}

// ANCHOR: snapshot
/// The compactor thread's work: rebuilds the roll calls from the first
/// `length` bytes of the journal (whole batches, the last one ending with
/// line `last_seq`), and writes what is still open to `chamada.journal.new`
/// as one batch whose `COMMIT` is line `last_seq` again, so that the
/// batches committed after them follow on, numbered as they are. Syncs
/// it, and returns it with its cursor at the end. On any failure the new
/// file is removed.
fn write_snapshot(
    journal: &Path,
    length: u64,
    last_seq: u64,
    cancel: &AtomicBool,
) -> io::Result<File> {
    let new_path = sibling(journal, ".new");
    let written = (|| {
        let mut bytes = Vec::new();
        File::open(journal)?.take(length).read_to_end(&mut bytes)?;
        let mut roll_calls = RollCalls::new(Clock::System);
        let replayed = replay(&bytes, &mut roll_calls, journal).map_err(io::Error::other)?;
        if replayed.damage.is_some() || replayed.next_seq != last_seq + 1 {
            return Err(io::Error::other("the journal changed under the compactor"));
        }
        drop(bytes);
        let records = snapshot(&roll_calls);
        // Every record still open is a line of those bytes, and so is at
        // least one COMMIT: there are numbers enough before `last_seq`.
        let first_seq = last_seq - records.len() as u64;
        let new = File::create(&new_path)?;
        let mut out = BufWriter::new(&new);
        let mut batch = crc32fast::Hasher::new();
        let mut unsynced = 0;
        for (seq, record) in (first_seq..).zip(&records) {
            if cancel.load(Ordering::Relaxed) {
                return Err(io::Error::other("the server is stopping"));
            }
            let line = record.line(seq);
            batch.update(line.as_bytes());
            out.write_all(line.as_bytes())?;
            unsynced += line.len();
            // Sync as it goes: one sync of the whole file would hold up
            // the registry's own syncs while tens of megabytes go out.
            if unsynced >= SYNC_EVERY {
                out.flush()?;
                new.sync_data()?;
                unsynced = 0;
            }
        }
        let commit = commit_line(last_seq, records.len() as u64, batch.finalize());
        out.write_all(commit.as_bytes())?;
        out.flush()?;
        drop(out);
        new.sync_data()?;
        Ok(new)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&new_path);
    }
    written
}

/// How much the compactor writes between two syncs.
const SYNC_EVERY: usize = 4 << 20;

/// The records that rebuild `roll_calls` as they are: for each open roll
/// call by class number, its `START`, then its answers in order.
fn snapshot(roll_calls: &RollCalls) -> Vec<Record> {
    let mut records = Vec::new();
    for (class, roll_call) in roll_calls.open_roll_calls() {
        records.push(Record {
            at: roll_call.started(),
            change: Command::Start(class),
        });
        for (student, at) in roll_call.answers() {
            let change = Command::Present {
                student: student.clone(),
                class,
            };
            records.push(Record { at, change });
        }
    }
    records
}
// ANCHOR_END: snapshot

/// The folder where a journal keeps the lists of ended roll calls, one CSV
/// file each: `chamada.journal` keeps them in `chamada.ended/`.
pub fn ended_folder(journal: &Path) -> PathBuf {
    journal.with_extension("ended")
}

// ANCHOR: replay
/// What replaying a journal found.
#[derive(Debug)]
struct Replayed {
    /// How many bytes hold whole, committed batches: the journal to keep.
    length: u64,
    /// The sequence number the next line gets.
    next_seq: u64,
    /// What was cut off after `length`, for people, if anything was.
    damage: Option<String>,
}

/// Replays the journal's `bytes` into `roll_calls`, one committed batch at
/// a time. At the first line that is not what it should be (damaged,
/// incomplete, out of sequence, or a `COMMIT` that disagrees with its
/// batch), it decides: if that line is in the last batch, the batch was
/// being written when the server or the machine stopped, never
/// acknowledged, and it is to be cut off; if any batch was committed after
/// it, acknowledged changes are at risk and the server refuses to start.
fn replay(bytes: &[u8], roll_calls: &mut RollCalls, path: &Path) -> Result<Replayed, String> {
    let journal = path.display();
    let mut replayed = Replayed {
        length: 0,
        next_seq: 1,
        damage: None,
    };
    let mut batch: Vec<(usize, Record)> = Vec::new(); // (line number, record)
    let mut checksum = crc32fast::Hasher::new();
    let mut expected: Option<u64> = None; // unknown before the first line
    let mut offset = 0;
    let mut lines = bytes.split_inclusive(|&b| b == b'\n').enumerate();
    while let Some((index, bytes)) = lines.next() {
        let number = index + 1;
        let line = Line::parse(bytes);
        let in_sequence = |seq: u64| expected.is_none_or(|expected| seq == expected);
        let why = match line {
            Ok(Line::Record { seq, record }) if in_sequence(seq) => {
                batch.push((number, record));
                checksum.update(bytes);
                expected = Some(seq + 1);
                offset += bytes.len();
                continue;
            }
            Ok(Line::Commit {
                seq,
                records,
                batch: sum,
            }) if in_sequence(seq) => {
                let agrees = records == batch.len() as u64
                    && sum == std::mem::take(&mut checksum).finalize();
                if agrees {
                    for (number, record) in batch.drain(..) {
                        let text = format!("{} {}", record.at, record.change);
                        if !record.apply(roll_calls) {
                            return Err(format!(
                                "journal {journal}: line {number} ({text}) does not fit the \
                                 lines before it; the journal is damaged. Nothing was changed: \
                                 move the file away to start empty, or mend that line"
                            ));
                        }
                    }
                    offset += bytes.len();
                    replayed.length = offset as u64;
                    replayed.next_seq = seq + 1;
                    expected = Some(seq + 1);
                    continue;
                }
                format!(
                    "its COMMIT does not match its batch ({} records, checksum {sum:08x}, \
                     read {} records): a record is missing, added or changed",
                    records,
                    batch.len()
                )
            }
            Ok(line) => format!(
                "its sequence number is {}, where {} was due: a line is missing, moved or \
                 repeated",
                line.seq(),
                expected.unwrap_or(1)
            ),
            Err(why) => why,
        };
        // The first line that is not what it should be.
        let batch_start = batch.first().map_or(number, |(number, _)| *number);
        let first_seq = replayed.next_seq; // the damaged batch's first number
        let rest: Vec<Line> = std::iter::once(bytes)
            .chain(lines.map(|(_, bytes)| bytes))
            .filter_map(|bytes| Line::parse(bytes).ok())
            .collect();
        if committed_after(first_seq, replayed.length == 0, &rest) {
            return Err(format!(
                "journal {journal}: line {number} is damaged: {why}. A batch committed after \
                 it holds acknowledged changes, so they are at risk, and the server will not \
                 guess. Nothing was changed: keep a copy of the file, then mend that line or \
                 move the file away to start empty"
            ));
        }
        replayed.damage = Some(format!(
            "journal {journal}: line {number} is damaged: {why}. It is in the last batch \
             (from line {batch_start} on), which no later batch follows: that batch was \
             being written when the server or its machine stopped, and was never \
             acknowledged. It is cut off"
        ));
        return Ok(replayed);
    }
    if let Some((first, _)) = batch.first() {
        replayed.damage = Some(format!(
            "journal {journal}: the last batch (from line {first} on) has no COMMIT line: it \
             was being written when the server or its machine stopped, and was never \
             acknowledged. It is cut off"
        ));
    }
    Ok(replayed)
}

/// Whether `rest`, the lines that can still be read from the first damaged
/// line on, show a batch committed after the damaged one (which starts at
/// sequence number `first_seq`, unless `at_start`: then its number is not
/// known). Such a batch was written only once the damaged one was synced
/// and acknowledged. The first `COMMIT` among them tells: it is a later
/// batch's if lines follow it, if it counts fewer records than lie
/// between it and the damaged batch's start, or if lines before it have
/// smaller numbers than its batch's first.
fn committed_after(first_seq: u64, at_start: bool, rest: &[Line]) -> bool {
    let Some(place) = rest.iter().position(|l| matches!(l, Line::Commit { .. })) else {
        return false; // no COMMIT after the damage: the last batch is unfinished
    };
    let Line::Commit { seq, records, .. } = rest[place] else {
        unreachable!("found as a COMMIT")
    };
    let its_first = seq.saturating_sub(records);
    let lines_follow = place + 1 < rest.len();
    let starts_later = !at_start && its_first > first_seq;
    let earlier_lines = rest[..place].iter().any(|line| line.seq() < its_first);
    lines_follow || starts_later || earlier_lines
}
// ANCHOR_END: replay

/// Copies the journal's `bytes`, as they were read, to a new file beside it
/// (`chamada.journal.damaged-2026-11-24-101500`), synced, before anything
/// cuts the journal: a person can always look at what was there.
fn keep_original(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let now = Clock::System
        .now()
        .human()
        .replace(' ', "-")
        .replace(':', "");
    keep_copy(path, &format!(".damaged-{now}"), bytes)
}

/// Cuts the journal to its first `length` bytes, durably, and puts the
/// cursor there.
fn cut(file: &mut File, length: u64) -> io::Result<()> {
    file.set_len(length)?;
    file.sync_all()?;
    file.seek(SeekFrom::Start(length))?;
    Ok(())
}

/// Removes what a crash may have left: a compaction's new file, and the
/// temporary files of lists being saved. Neither was ever in use.
fn remove_leftovers(path: &Path, ended: &Path) {
    let _ = fs::remove_file(sibling(path, ".new"));
    let Ok(entries) = fs::read_dir(ended) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().ends_with(TEMPORARY) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An open roll call's list, with every answer time.
fn attendance(class: ClassId, roll_call: &RollCall) -> Attendance {
    Attendance {
        class,
        opened: Some(roll_call.started()),
        closed: None,
        students: roll_call
            .answers()
            .map(|(student, at)| (student.clone(), Some(at)))
            .collect(),
    }
}

// ANCHOR: save_list
/// Saves an ended list as `class-42-2026-11-24-101509.csv` in `folder`,
/// after the class and the time it ended (`-2`, `-3` ... after that if the
/// same class ended twice in one second). Atomically: it is written under
/// a temporary name, synced, and only then renamed, so a crash leaves the
/// whole list or no list under that name, never part of one. (The caller
/// syncs the folder, which makes the new name durable.)
fn save_list(folder: &Path, list: &Attendance) -> io::Result<()> {
    let ended = list.closed.map(|at| at.human()).unwrap_or_default();
    let stem = folder.join(format!(
        "class-{}-{}",
        list.class,
        ended.replace(' ', "-").replace(':', "")
    ));
    let (file, name) = create_new_numbered(&stem, &format!(".csv{TEMPORARY}"))?;
    list.write_csv(BufWriter::new(&file))?;
    file.sync_data()?;
    fs::rename(&name, name.with_extension(""))
}
// ANCHOR_END: save_list

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::StudentId;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn present(student: &str, class: u32) -> Record {
        Record {
            at: at("2026-11-24T10:15:03-03:00"),
            change: Command::Present {
                student: StudentId::parse(student).unwrap(),
                class: ClassId::new(class).unwrap(),
            },
        }
    }

    /// A journal of `batches`, each a list of records, numbered from 1 and
    /// committed as the server commits them.
    fn journal(batches: &[Vec<Record>]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut seq = 1;
        for records in batches {
            let mut batch = Batch::default();
            for record in records {
                batch.add(&record.line(seq));
                seq += 1;
            }
            lines.extend(batch.lines.split_inclusive('\n').map(str::to_owned));
            lines.push(commit_line(seq, batch.records, batch.checksum.finalize()));
            seq += 1;
        }
        lines
    }

    /// Class 1 opened, then three batches of answers: 2, 3 and 3 records.
    fn four_batches() -> Vec<String> {
        let start = Record {
            at: at("2026-11-24T10:15:00-03:00"),
            change: Command::Start(ClassId::new(1).unwrap()),
        };
        let answers = |names: &[&str]| names.iter().map(|n| present(n, 1)).collect();
        journal(&[
            vec![start],
            answers(&["a", "b"]),
            answers(&["c", "d", "e"]),
            answers(&["f", "g", "h"]),
        ])
    }

    fn replayed(text: &str) -> (Result<Replayed, String>, Vec<String>) {
        let mut roll_calls = RollCalls::new(Clock::System);
        let result = replay(text.as_bytes(), &mut roll_calls, Path::new("j"));
        let class = roll_calls.roll_call(ClassId::new(1).unwrap());
        let students = class.map(|r| r.students().map(|s| s.to_string()).collect());
        (result, students.unwrap_or_default())
    }

    #[test]
    fn a_record_is_a_readable_line_that_reads_back() {
        let record = present("042191010", 42);
        let line = record.line(7);
        assert!(line.starts_with("7 2026-11-24T10:15:03-03:00 PRESENT 042191010 42 crc32="));
        assert!(line.ends_with('\n'));
        let seq = 7;
        assert_eq!(
            Line::parse(line.as_bytes()),
            Ok(Line::Record { seq, record })
        );
        let changed = line.replace("PRESENT 042191010", "PRESENT 042191011");
        assert!(Line::parse(changed.as_bytes())
            .unwrap_err()
            .contains("checksum"));
    }

    #[test]
    fn the_journal_shown_at_the_top_of_this_file_is_whole() {
        let source = include_str!("journal.rs");
        let (_, shown) = source.split_once("//! ```text\n").unwrap();
        let (shown, _) = shown.split_once("//! ```\n").unwrap();
        let shown: String = shown.lines().map(|l| format!("{}\n", &l[4..])).collect();
        let replayed = replay(
            shown.as_bytes(),
            &mut RollCalls::new(Clock::System),
            Path::new("j"),
        );
        let replayed = replayed.unwrap();
        assert!(replayed.damage.is_none(), "{shown}");
        assert_eq!(replayed.length, shown.len() as u64);
        assert_eq!(replayed.next_seq, 6);
    }

    #[test]
    fn only_changes_of_state_are_records() {
        let line = with_checksum("1 2026-11-24T10:15:00-03:00 STATUS 42");
        assert!(Line::parse(line.as_bytes()).is_err());
    }

    #[test]
    fn a_whole_journal_replays() {
        let (result, students) = replayed(&four_batches().concat());
        let replayed = result.unwrap();
        assert!(replayed.damage.is_none());
        assert_eq!(replayed.next_seq, 14);
        assert_eq!(students, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    }

    #[test]
    fn damage_in_the_last_batch_cuts_that_batch_only() {
        let lines = four_batches();
        let whole = lines.concat();
        let kept = lines[..9].concat(); // up to the third batch's COMMIT
        let mut zeroed_middle = whole.clone().into_bytes();
        let middle = kept.len() + lines[9].len() + 5;
        zeroed_middle[middle..middle + 40].fill(0); // lines 10-11 of the last
        for damaged in [
            whole[..whole.len() - 30].to_owned(),        // cut short
            whole.replacen("PRESENT h", "PRESENT i", 1), // its COMMIT disagrees
            lines[..12].concat(),                        // no COMMIT yet
            String::from_utf8(zeroed_middle).unwrap(),   // zeros, then valid lines
        ] {
            let (result, students) = replayed(&damaged);
            let replayed = result.unwrap();
            assert_eq!(replayed.length, kept.len() as u64, "{damaged}");
            assert_eq!(replayed.next_seq, 10);
            assert!(replayed.damage.unwrap().contains("never acknowledged"));
            assert_eq!(students, ["a", "b", "c", "d", "e"]);
        }
    }

    #[test]
    fn damage_before_the_last_batch_is_refused() {
        let lines = four_batches();
        let mut deleted = lines.clone();
        deleted.remove(5); // the second batch's "d"
        let mut swapped = lines.clone();
        swapped.swap(3, 4); // "a" and "b"
        let mut moved = lines.clone();
        let commit = moved.remove(8); // the third batch's COMMIT, now after "f"
        moved.insert(9, commit);
        for (damaged, line) in [
            (lines.concat().replacen("PRESENT c", "PRESENT x", 1), 6),
            (deleted.concat(), 6),
            (swapped.concat(), 4),
            (moved.concat(), 9),
        ] {
            let refused = replayed(&damaged).0.unwrap_err();
            assert!(
                refused.contains(&format!("line {line} is damaged")),
                "{refused}"
            );
            assert!(refused.contains("at risk"), "{refused}");
        }
    }
}
