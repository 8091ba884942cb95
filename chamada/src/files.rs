//! Small things every durable file needs, shared by lesson 03's journal
//! (steps 5 and 6): a name beside another file's, the folder a file is in,
//! a new file under a name that is free, a durable copy, and syncing a
//! folder.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What a file is called while it is being written, before a rename gives
/// it its real name: `class-42.csv.tmp` for `class-42.csv`.
pub const TEMPORARY: &str = ".tmp";

/// `path` with `suffix` added to its file name: `sibling("chamada.journal",
/// ".lock")` is `chamada.journal.lock`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The folder that holds `path` (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Creates a new file named `stem` + `suffix`, or `stem-2` + `suffix` ...
/// if that exists. For a temporary name (a suffix ending in
/// [`TEMPORARY`]) the name without it must be free too: a file being
/// written never takes the name of a file already saved.
pub fn create_new_numbered(stem: &Path, suffix: &str) -> io::Result<(File, PathBuf)> {
    for n in 1.. {
        let name = match n {
            1 => sibling(stem, suffix),
            n => sibling(stem, &format!("-{n}{suffix}")),
        };
        if suffix.ends_with(TEMPORARY) && name.with_extension("").exists() {
            continue;
        }
        match OpenOptions::new().write(true).create_new(true).open(&name) {
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            other => return other.map(|file| (file, name)),
        }
    }
    unreachable!("some number is free")
}

/// Copies `bytes` to a new file beside `path`, named `path` + `suffix`
/// (numbered if that name is taken), synced, its name synced too: a copy
/// that survives a crash. Returns its name.
pub fn keep_copy(path: &Path, suffix: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let (mut file, kept) = create_new_numbered(&sibling(path, suffix), "")?;
    file.write_all(bytes)?;
    file.sync_all()?;
    sync_folder(folder_of(path))?;
    Ok(kept)
}

// ANCHOR: sync_folder
/// Syncs `folder`. A file's new name (after a create or a rename) is an
/// entry in its folder, and it is durable only once the folder is: syncing
/// the file alone does not cover it.
#[cfg(unix)]
pub fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}
// ANCHOR_END: sync_folder

/// Windows cannot open a folder as a file; NTFS journals its folders.
#[cfg(not(unix))]
pub fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_beside_a_file_and_its_folder() {
        let journal = Path::new("data/chamada.journal");
        assert_eq!(
            sibling(journal, ".lock"),
            Path::new("data/chamada.journal.lock")
        );
        assert_eq!(folder_of(journal), Path::new("data"));
        assert_eq!(folder_of(Path::new("chamada.journal")), Path::new("."));
    }

    #[test]
    fn a_new_file_takes_the_first_free_number_and_never_a_saved_name() {
        let dir = std::env::temp_dir().join(format!("chamada-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stem = dir.join("class-42");
        let (_, first) = create_new_numbered(&stem, ".csv").unwrap();
        let (_, second) = create_new_numbered(&stem, ".csv").unwrap();
        assert_eq!(
            (first, second.clone()),
            (dir.join("class-42.csv"), dir.join("class-42-2.csv"))
        );
        // class-42.csv and class-42-2.csv are saved: a temporary name skips both.
        let (_, temporary) = create_new_numbered(&stem, ".csv.tmp").unwrap();
        assert_eq!(temporary, dir.join("class-42-3.csv.tmp"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
