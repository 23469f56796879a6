//! Generations and the switch: `index/gen-N/` folders, the `CURRENT`
//! pointer renamed atomically, the readers' locks, and the clean-up that
//! removes what no reader holds.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{rebuild_error, CURRENT_FILE, GEN_PREFIX, READERS_LOCK};
use crate::error::Error;

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

/// Makes a folder's entries (a rename, a new file) durable.
pub(super) fn sync_dir(dir: &Path) -> crate::Result<()> {
    // Folders cannot be opened for syncing on Windows; NTFS journals the
    // rename itself.
    if cfg!(unix) {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

/// Points `CURRENT` at `generation`: write a temporary file, sync it,
/// rename it over `CURRENT` (atomic), sync the folder. A reader sees the
/// old name or the new, never half of one.
pub(super) fn switch_to(index_dir: &Path, generation: &str) -> crate::Result<()> {
    let tmp = index_dir.join(format!("{CURRENT_FILE}.tmp"));
    write_synced(&tmp, format!("{generation}\n").as_bytes())?;
    let current = index_dir.join(CURRENT_FILE);
    fs::rename(&tmp, &current).map_err(|e| Error::io(&current, e))?;
    sync_dir(index_dir)
}

pub(super) fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix(GEN_PREFIX)?.parse().ok()
}

/// The generation `CURRENT` names, if any.
pub(super) fn read_current(index_dir: &Path) -> crate::Result<Option<String>> {
    let path = index_dir.join(CURRENT_FILE);
    match fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim().to_string();
            if generation_number(&name).is_none() {
                return Err(rebuild_error(
                    index_dir,
                    &format!("{CURRENT_FILE} names no generation ({name:?})"),
                ));
            }
            Ok(Some(name))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// `gen-<n+1>` for the highest `n` present, finished or not, so a name is
/// never reused.
pub(super) fn next_generation(index_dir: &Path) -> crate::Result<String> {
    let mut highest = 0;
    for entry in fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))? {
        let entry = entry.map_err(|e| Error::io(index_dir, e))?;
        if let Some(n) = entry.file_name().to_str().and_then(generation_number) {
            highest = highest.max(n);
        }
    }
    Ok(format!("{GEN_PREFIX}{}", highest + 1))
}

/// Removes every generation but the current and the previous one, and
/// those a reader still holds (a prompt left open, a server): builds that
/// died, and generations two or more builds old. A reader holds a shared
/// lock on its generation's [`READERS_LOCK`]; a generation whose lock
/// cannot be taken exclusively is left for a later build. Failures are
/// left for the next build too (a reader on Windows may still hold files
/// open).
pub(super) fn remove_unused_generations(index_dir: &Path, current: &str, previous: Option<&str>) {
    use fs4::FileExt;
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if generation_number(name).is_none() || name == current || Some(name) == previous {
            continue;
        }
        let dir = entry.path();
        // Held while the folder is removed, so that no reader takes it up
        // in between; a generation without the file (a build that died
        // before writing it) has no reader.
        let lock = File::open(dir.join(READERS_LOCK)).ok();
        if let Some(lock) = &lock {
            if FileExt::try_lock(lock).is_err() {
                continue;
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

/// A reader's hold on its generation (see [`remove_unused_generations`]):
/// `None` when the generation has no lock file. A generation being removed
/// (its lock held exclusively) cannot be held: the caller reads `CURRENT`
/// again.
pub(super) fn hold_generation(generation: &Path) -> Result<Option<File>, ()> {
    use fs4::FileExt;
    match File::open(generation.join(READERS_LOCK)) {
        Ok(file) => match FileExt::try_lock_shared(&file) {
            Ok(()) => Ok(Some(file)),
            Err(_) => Err(()),
        },
        Err(_) => Ok(None),
    }
}

/// The generation folder `index_dir/CURRENT` names, if any.
pub fn current_generation(index_dir: &Path) -> crate::Result<Option<PathBuf>> {
    Ok(read_current(index_dir)?.map(|name| index_dir.join(name)))
}

/// Whether `index_dir` holds a built index (its `CURRENT` exists).
pub fn exists(index_dir: &Path) -> bool {
    index_dir.join(CURRENT_FILE).is_file()
}

/// Whether a name in an index folder is one a build writes there: the
/// pointer, its temporary, the lock, generations. Other hidden files (a
/// `.gitkeep`) are tolerated.
pub fn is_index_entry(name: &str) -> bool {
    name == CURRENT_FILE
        || name == format!("{CURRENT_FILE}.tmp")
        || name.starts_with('.')
        || generation_number(name).is_some()
}
