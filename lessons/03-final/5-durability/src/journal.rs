//! Step 5: the journal. Every change of state is written to a file and
//! made durable before any client is told it happened, so that nothing
//! acknowledged is lost when the process is killed or the machine loses
//! power.
//!
//! The journal is a text file, one record a line, that `cat` shows:
//!
//! ```text
//! 2026-11-24T10:15:00-03:00 START 42 crc32=2b8849ad
//! 2026-11-24T10:15:06-03:00 PRESENT 042191010 42 crc32=af5cdf98
//! 2026-11-24T10:15:15-03:00 END 7 crc32=c2affd05
//! ```
//!
//! Each record is the protocol's own request for the change, after the
//! time it took effect, and a checksum of both (CRC-32) that shows whether
//! the line is the one that was written.
//!
//! - **Open**: lock the file (one server per journal), replay it into the
//!   roll calls, then compact it.
//! - **Record and commit**: the registry applies a whole batch of requests,
//!   the journal collects their records ([`Journal::answer`]), then writes
//!   them in one `write` and syncs once ([`Journal::commit`]). Only then
//!   does the registry send the replies: group commit.
//! - **Compact**: write what is still open to a new file, sync it, rename
//!   it over the old one, sync the folder. At start, and whenever the
//!   journal has grown to twice its compacted size.
//! - **Ended roll calls**: a list leaves the journal only after it is safe
//!   in a CSV file of its own, in the folder next to the journal (see
//!   [`ended_folder`]).

use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chamada::{Attendance, ClassId, Command, Request, Response, RollCall, RollCalls, Timestamp};

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
    /// The record as one line of the journal, checksum and newline included.
    pub fn line(&self) -> String {
        let text = format!("{} {}", self.at, self.change);
        format!("{text} crc32={:08x}\n", crc32fast::hash(text.as_bytes()))
    }

    /// Reads a line (without its newline) back, checking its checksum.
    pub fn parse(line: &str) -> Result<Record, String> {
        let (text, checksum) = line.rsplit_once(" crc32=").ok_or("it has no checksum")?;
        let written = u32::from_str_radix(checksum, 16).map_err(|_| "its checksum is garbled")?;
        if checksum.len() != 8 || written != crc32fast::hash(text.as_bytes()) {
            return Err("its checksum does not match (it is not what was written)".into());
        }
        let (at, change) = text.split_once(' ').ok_or("it has no request")?;
        let at = Timestamp::parse(at).ok_or("its time is not a time")?;
        match Request::parse(change) {
            Ok(Some(Request::Command(change))) if !matches!(change, Command::Status(_)) => {
                Ok(Record { at, change })
            }
            _ => Err(format!("{change:?} is not a change of state")),
        }
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
// ANCHOR_END: record

/// A server's journal, open and locked.
pub struct Journal {
    /// Where it is, as the server was told.
    path: PathBuf,
    /// The file, locked, with its cursor at the end: records are appended.
    file: File,
    /// The folder where the lists of ended roll calls go.
    ended: PathBuf,
    /// The records of the batch being answered, not yet written.
    batch: String,
    /// The lists of the roll calls this batch ended, not yet saved.
    ended_lists: Vec<Attendance>,
    /// How many bytes the file holds.
    size: u64,
    /// Past this size, the next commit compacts.
    compact_at: u64,
    /// The smallest size that triggers a compaction.
    compact_at_least: u64,
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
    /// What was wrong but could be set right (a torn last line).
    pub warnings: Vec<String>,
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "journal {}: {} roll call{} open, {} presence{} restored",
            self.path.display(),
            self.open,
            plural(self.open),
            self.presences,
            plural(self.presences)
        )
    }
}

// ANCHOR: open
impl Journal {
    /// Opens (or creates) the journal at `path`, locks it, replays it into
    /// `roll_calls` and compacts it. Fails with a sentence for people when
    /// another server has it, or when a record before the last is damaged.
    pub fn open(
        path: &Path,
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
        lock(&file, path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| failed("cannot read it", e))?;
        let mut restored = replay(&bytes, roll_calls, path)?;
        let ended = ended_folder(path);
        fs::create_dir_all(&ended)
            .map_err(|e| failed("cannot create the folder for ended lists", e))?;
        let mut journal = Journal {
            path: path.to_owned(),
            file,
            ended,
            batch: String::new(),
            ended_lists: Vec::new(),
            size: bytes.len() as u64,
            compact_at: compact_at_least,
            compact_at_least,
        };
        // Compacting now also cuts off a torn last line, and drops the
        // roll calls that ended (their lists are in their CSV files).
        journal
            .compact(roll_calls)
            .map_err(|e| failed("cannot compact it", e))?;
        restored.open = roll_calls.open_roll_calls().len();
        restored.presences = roll_calls
            .open_roll_calls()
            .iter()
            .map(|(_, roll_call)| roll_call.count())
            .sum();
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
        self.batch.push_str(
            &Record {
                at,
                change: command,
            }
            .line(),
        );
        response
    }
    // ANCHOR_END: answer

    // ANCHOR: commit
    /// Makes the batch's records durable: saves the lists of the roll calls
    /// it ended, writes the records in one go, and syncs the file once.
    /// When this returns `Ok`, every change of the batch survives a crash,
    /// and its replies may go out. Compacts the journal when it has grown.
    pub fn commit(&mut self, roll_calls: &RollCalls) -> io::Result<()> {
        if self.batch.is_empty() {
            return Ok(()); // nothing changed: nothing to wait for
        }
        // A list must be safe in its own file before the END that drops it
        // from the journal is: then no crash can lose it.
        self.save_ended_lists()?;
        self.file.write_all(self.batch.as_bytes())?;
        // fdatasync on Linux: the data, and the file's size, are on the
        // disk when it returns, not just in the system's page cache.
        self.file.sync_data()?;
        self.size += self.batch.len() as u64;
        self.batch.clear();
        if self.size >= self.compact_at {
            self.compact(roll_calls)?;
            println!(
                "journal {}: compacted to {} bytes",
                self.path.display(),
                self.size
            );
        }
        Ok(())
    }
    // ANCHOR_END: commit

    // ANCHOR: compact
    /// Rewrites the journal to hold only what is open now: a `START` for
    /// each open roll call and a `PRESENT` for each of its answers, at
    /// their times. The new journal is complete on disk before it takes the
    /// old one's name, so a crash at any moment leaves one or the other.
    fn compact(&mut self, roll_calls: &RollCalls) -> io::Result<()> {
        let new_path = sibling(&self.path, ".new");
        let new = File::create(&new_path)?;
        // Lock the new file before it takes the journal's name: a second
        // server that opens the name from then on finds it locked.
        lock(&new, &new_path).map_err(io::Error::other)?;
        let mut out = BufWriter::new(&new);
        let mut size = 0;
        for record in snapshot(roll_calls) {
            let line = record.line();
            out.write_all(line.as_bytes())?;
            size += line.len() as u64;
        }
        out.flush()?;
        drop(out);
        new.sync_data()?; // 1. the new journal's contents are on disk
        fs::rename(&new_path, &self.path)?; // 2. it takes the journal's name
        sync_folder(folder_of(&self.path))?; // 3. and the new name is on disk too
        self.file = new; // the old file, and its lock, are let go
        self.size = size;
        self.compact_at = self.compact_at_least.max(2 * size);
        Ok(())
    }
    // ANCHOR_END: compact

    /// Writes each list the batch ended to a new CSV file, syncs each, then
    /// syncs their folder (which makes the new names durable).
    fn save_ended_lists(&mut self) -> io::Result<()> {
        if self.ended_lists.is_empty() {
            return Ok(());
        }
        for list in self.ended_lists.drain(..) {
            let file = create_new_list_file(&self.ended, &list)?;
            list.write_csv(BufWriter::new(&file))?;
            file.sync_data()?;
        }
        sync_folder(&self.ended)
    }
}

/// The folder where a journal keeps the lists of ended roll calls, one CSV
/// file each: `chamada.journal` keeps them in `chamada.ended/`.
pub fn ended_folder(journal: &Path) -> PathBuf {
    journal.with_extension("ended")
}

/// Takes the lock on a journal file, or explains who has it.
fn lock(file: &File, path: &Path) -> Result<(), String> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(format!(
            "journal {} is in use by another server (it holds the file's lock); \
             stop that server first, or give this one another --journal",
            path.display()
        )),
        Err(TryLockError::Error(error)) => Err(format!(
            "journal {}: cannot lock it: {error}",
            path.display()
        )),
    }
}

// ANCHOR: replay
/// Replays the journal's `bytes` into `roll_calls`. A last line that is
/// incomplete or damaged was being written when the server stopped, and
/// never acknowledged: it is left out, with a warning. A damaged line
/// anywhere else means the file itself was damaged: refuse, naming it.
fn replay(bytes: &[u8], roll_calls: &mut RollCalls, path: &Path) -> Result<Restored, String> {
    let mut restored = Restored {
        path: path.to_owned(),
        ..Restored::default()
    };
    let journal = path.display();
    let mut lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .peekable();
    while let Some((index, line)) = lines.next() {
        let number = index + 1;
        let is_last = lines.peek().is_none();
        let Some(line) = line.strip_suffix(b"\n") else {
            restored.warnings.push(format!(
                "journal {journal}: line {number} is incomplete (the server stopped while \
                 writing it; it was never acknowledged): cut off"
            ));
            break;
        };
        let record = std::str::from_utf8(line)
            .map_err(|_| "it is not text".to_owned())
            .and_then(Record::parse);
        match record {
            Ok(record) => {
                let text = record.line();
                if !record.apply(roll_calls) {
                    return Err(format!(
                        "journal {journal}: line {number} ({}) does not fit the lines before \
                         it; the journal is damaged. Nothing was changed: move the file away \
                         to start empty, or mend that line",
                        text.trim_end()
                    ));
                }
            }
            Err(why) if is_last => {
                restored.warnings.push(format!(
                    "journal {journal}: line {number}, the last, is damaged ({why}): it was \
                     being written when the server stopped, and never acknowledged: cut off"
                ));
            }
            Err(why) => {
                return Err(format!(
                    "journal {journal}: line {number} is damaged: {why}. Lines after it hold \
                     acknowledged changes, so the server will not guess. Nothing was changed: \
                     move the file away to start empty, or mend that line"
                ));
            }
        }
    }
    Ok(restored)
}
// ANCHOR_END: replay

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

/// Creates the file for an ended list: `class-42-2026-11-24-101509.csv`,
/// after the class and the time it ended; `-2`, `-3` ... after that if the
/// same class ended twice in one second.
fn create_new_list_file(folder: &Path, list: &Attendance) -> io::Result<File> {
    let ended = list.closed.map(|at| at.human()).unwrap_or_default();
    let stem = format!(
        "class-{}-{}",
        list.class,
        ended.replace(' ', "-").replace(':', "")
    );
    for n in 1.. {
        let name = match n {
            1 => format!("{stem}.csv"),
            n => format!("{stem}-{n}.csv"),
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(folder.join(name))
        {
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            other => return other,
        }
    }
    unreachable!("some number is free")
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The folder that holds `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

// ANCHOR: sync_folder
/// Syncs `folder`. A file's new name (after a create or a rename) is an
/// entry in its folder, and it is durable only once the folder is: syncing
/// the file alone does not cover it.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}
// ANCHOR_END: sync_folder

/// Windows cannot open a folder as a file; NTFS journals its folders.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::{Clock, StudentId};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn a_record_is_a_readable_line_that_reads_back() {
        let record = Record {
            at: at("2026-11-24T10:15:03-03:00"),
            change: Command::Present {
                student: StudentId::parse("042191010").unwrap(),
                class: ClassId::new(42).unwrap(),
            },
        };
        let line = record.line();
        assert!(line.starts_with("2026-11-24T10:15:03-03:00 PRESENT 042191010 42 crc32="));
        assert!(line.ends_with('\n'));
        assert_eq!(Record::parse(line.trim_end()), Ok(record));
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let line = Record {
            at: at("2026-11-24T10:15:00-03:00"),
            change: Command::Start(ClassId::new(42).unwrap()),
        }
        .line();
        let changed = line.trim_end().replace("START 42", "START 43");
        assert!(Record::parse(&changed).unwrap_err().contains("checksum"));
        assert!(Record::parse("2026-11-24T10:15:00-03:00 START 42").is_err());
    }

    #[test]
    fn only_changes_of_state_are_records() {
        let text = "2026-11-24T10:15:00-03:00 STATUS 42";
        let line = format!("{text} crc32={:08x}", crc32fast::hash(text.as_bytes()));
        assert!(Record::parse(&line).is_err());
    }

    #[test]
    fn a_torn_last_line_is_left_out_and_a_damaged_middle_refused() {
        let path = Path::new("test.journal");
        let start = Record {
            at: at("2026-11-24T10:15:00-03:00"),
            change: Command::Start(ClassId::new(1).unwrap()),
        }
        .line();
        let torn = format!("{start}2026-11-24T10:15:03-03:00 PRESENT a 1 crc");
        let mut roll_calls = RollCalls::new(Clock::System);
        let restored = replay(torn.as_bytes(), &mut roll_calls, path).unwrap();
        assert_eq!(restored.warnings.len(), 1, "{:?}", restored.warnings);
        assert!(restored.warnings[0].contains("line 2 is incomplete"));
        assert_eq!(roll_calls.open_roll_calls().len(), 1);

        let damaged = format!("{start}garbage\n{start}");
        let refused = replay(damaged.as_bytes(), &mut RollCalls::new(Clock::System), path);
        assert!(refused.unwrap_err().contains("line 2 is damaged"));
    }
}
