//! Reading earlier versions of the schemas straight from git objects: no second
//! checkout, no change to the working tree. Every call is a `git` command in the
//! repository; a ref the clone does not have becomes an [`Error::MissingRef`] that says
//! which `git fetch` brings it in (shallow CI clones are the usual cause).

use super::Error;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git repository, addressed by its top-level directory.
pub struct Repo {
    root: PathBuf,
}

/// A file of a tree at some commit: its path from the repository root and its blob.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Path from the repository root, with `/` separators.
    pub path: String,
    /// The blob's object id.
    pub blob: String,
}

/// One commit of a file's history ([`Repo::file_log`]).
#[derive(Debug, Clone)]
pub(crate) struct FileCommit {
    /// The commit's object id.
    pub commit: String,
    /// The committer date, ISO 8601 (`2024-05-01T12:00:00+02:00`).
    pub date: String,
    /// The first line of the commit message.
    pub subject: String,
    /// The file's path from the repository root in that commit.
    pub path: String,
}

/// Wraps a failure in what was being done, as `WHAT: CAUSE`.
fn failed<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> Error + '_ {
    move |err| Error::Git(format!("{what}: {err}"))
}

impl Repo {
    /// The repository that contains `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, Error> {
        let out = git_in(dir, &["rev-parse", "--show-toplevel"])
            .map_err(failed(&format!("{} is not inside a git repository", dir.display())))?;
        Ok(Repo {
            root: PathBuf::from(out.trim_end()),
        })
    }

    /// The top-level directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` (`what`: the schema directory, the catalog, a schema file) as git names it:
    /// from the repository root, with `/` separators.
    pub fn path_of(&self, path: &Path, what: &str) -> Result<String, Error> {
        let absolute = path
            .canonicalize()
            .map_err(|err| Error::Undecided(format!("cannot open {what} {}: {err}", path.display())))?;
        let root = self.root.canonicalize()?;
        let relative = absolute.strip_prefix(&root).map_err(|_| {
            Error::Undecided(format!(
                "{} is outside the repository {}",
                path.display(),
                root.display()
            ))
        })?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    fn git(&self, args: &[&str]) -> Result<String, Error> {
        git_in(&self.root, args)
    }

    /// The commit `rev` names, or `None` when this clone does not have it.
    pub fn resolve(&self, rev: &str) -> Result<Option<String>, Error> {
        let out = Command::new("git")
            .current_dir(&self.root)
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{rev}^{{commit}}"))
            .output()
            .map_err(failed("cannot run git (is it installed?)"))?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
    }

    /// `rev`'s commit, or an [`Error::MissingRef`] with the `git fetch` that brings it in.
    pub fn require(&self, rev: &str) -> Result<String, Error> {
        match self.resolve(rev)? {
            Some(commit) => Ok(commit),
            None => Err(Error::MissingRef(self.missing_ref_message(rev)?)),
        }
    }

    /// The merge base of two commits (`None` when their histories never meet in this
    /// clone, e.g. because it is shallow).
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>, Error> {
        let out = Command::new("git")
            .current_dir(&self.root)
            .args(["merge-base", a, b])
            .output()
            .map_err(failed("cannot run git"))?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
    }

    /// Whether this clone is shallow (its history is cut at some commits).
    pub fn is_shallow(&self) -> Result<bool, Error> {
        Ok(self.git(&["rev-parse", "--is-shallow-repository"])?.trim() == "true")
    }

    /// The commits where a shallow clone's history is cut.
    pub fn shallow_boundary(&self) -> Result<HashSet<String>, Error> {
        let path = self.git(&["rev-parse", "--git-path", "shallow"])?;
        let path = self.root.join(path.trim_end());
        Ok(std::fs::read_to_string(path)
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default())
    }

    /// The commits reachable from `rev` that changed anything under `paths`, newest first.
    pub fn commits_touching(&self, rev: &str, paths: &[&str]) -> Result<Vec<String>, Error> {
        let out = self.git(&[&["log", "--format=%H", rev, "--"], paths].concat())?;
        Ok(out.lines().map(str::to_owned).collect())
    }

    /// The commits reachable from `rev` that changed the file `path` (`git log --follow`:
    /// across renames), newest first, each with the file's path in that commit.
    pub(crate) fn file_log(&self, rev: &str, path: &str) -> Result<Vec<FileCommit>, Error> {
        let out = self.git(&[
            "log",
            "--follow",
            "--name-only",
            "--format=%x1e%H%x1f%cI%x1f%s%x1f",
            rev,
            "--",
            path,
        ])?;
        let mut commits = Vec::new();
        for record in out.split('\x1e').filter(|r| !r.trim().is_empty()) {
            // `<commit> US <date> US <subject> US` then the changed file's path (none for a
            // commit that only changed its mode).
            let mut parts = record.splitn(4, '\x1f');
            let (Some(commit), Some(date), Some(subject), Some(names)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(Error::Git("unexpected `git log` output".into()));
            };
            let changed = names.lines().map(str::trim).find(|l| !l.is_empty());
            commits.push(FileCommit {
                commit: commit.to_owned(),
                date: date.to_owned(),
                subject: subject.to_owned(),
                path: changed.unwrap_or(path).to_owned(),
            });
        }
        Ok(commits)
    }

    /// Every file under `paths` in `rev`'s tree (none for a path that did not exist then).
    pub fn tree(&self, rev: &str, paths: &[&str]) -> Result<Vec<TreeFile>, Error> {
        let out = self.git(&[&["ls-tree", "-r", "-z", "--full-tree", rev, "--"], paths].concat())?;
        let mut files = Vec::new();
        for entry in out.split('\0').filter(|e| !e.is_empty()) {
            // `<mode> SP <type> SP <object> TAB <path>`
            let (meta, path) = entry
                .split_once('\t')
                .ok_or_else(|| Error::Git("unexpected `git ls-tree` output".into()))?;
            let mut meta = meta.split(' ');
            let (_mode, kind, blob) = (meta.next(), meta.next(), meta.next());
            if let (Some("blob"), Some(blob)) = (kind, blob) {
                files.push(TreeFile {
                    path: path.to_owned(),
                    blob: blob.to_owned(),
                });
            }
        }
        Ok(files)
    }

    /// The text of every blob in `blobs`, read through one `git cat-file --batch`.
    pub fn read_blobs<'a>(&self, blobs: impl IntoIterator<Item = &'a str>) -> Result<HashMap<String, String>, Error> {
        let wanted: Vec<&str> = {
            let mut seen = HashSet::new();
            blobs.into_iter().filter(|b| seen.insert(*b)).collect()
        };
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let mut child = Command::new("git")
            .current_dir(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(failed("cannot run `git cat-file`"))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::Git("no stdin for git cat-file".into()))?;
        let request: String = wanted.iter().map(|b| format!("{b}\n")).collect();
        // Written from another thread: git answers while it reads, and a large request
        // would otherwise fill both pipes and block both processes.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::Git("no stdout for git cat-file".into()))?;
        let mut out = BufReader::new(stdout);
        let mut texts = HashMap::with_capacity(wanted.len());
        for blob in &wanted {
            let mut header = String::new();
            out.read_line(&mut header)?;
            // `<object> SP <type> SP <size>`, or `<object> SP missing`.
            let parts: Vec<&str> = header.split_whitespace().collect();
            let [_, "blob", size] = parts.as_slice() else {
                return Err(Error::Git(format!("git cannot read blob {blob}: {}", header.trim())));
            };
            let size: usize = size.parse().map_err(failed("unexpected `git cat-file` header"))?;
            let mut content = vec![0; size + 1]; // the object, then a newline
            out.read_exact(&mut content)?;
            content.truncate(size);
            texts.insert((*blob).to_owned(), String::from_utf8_lossy(&content).into_owned());
        }
        writer
            .join()
            .map_err(|_| Error::Git("git cat-file writer panicked".into()))??;
        child.wait()?;
        Ok(texts)
    }

    /// Why `rev` cannot be found, and the exact `git fetch` that brings it in.
    pub fn missing_ref_message(&self, rev: &str) -> Result<String, Error> {
        let remote = self
            .git(&["remote"])?
            .lines()
            .next()
            .map(str::to_owned)
            .unwrap_or_else(|| "origin".into());
        let shallow = self.is_shallow()?;
        // `origin/main` is fetched as branch `main` of `origin`; a bare name may be a
        // branch of the remote too; anything else (a sha, `HEAD~3`) needs history.
        let branch = rev
            .strip_prefix(&format!("{remote}/"))
            .or_else(|| (!rev.contains(['~', '^', ':', '@']) && !looks_like_sha(rev)).then_some(rev));
        let mut message = format!("`{rev}` is not in this clone");
        if shallow {
            message.push_str(
                " (it is a shallow clone: its history is cut, as with `actions/checkout`'s default `fetch-depth: 1`)",
            );
        }
        message.push_str(". Fetch it, then run again:\n");
        match (branch, shallow) {
            (Some(branch), true) => message.push_str(&format!(
                "    git fetch --no-tags --unshallow {remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}\n\
                 and compare against `{remote}/{branch}` (the full history is needed for the merge base and for \
                 transitive modes; in GitHub Actions, `fetch-depth: 0` does the same)"
            )),
            (Some(branch), false) => message.push_str(&format!(
                "    git fetch --no-tags {remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}\n\
                 and compare against `{remote}/{branch}`"
            )),
            (None, true) => message.push_str(&format!(
                "    git fetch --no-tags --unshallow {remote}\n(in GitHub Actions: `fetch-depth: 0`)"
            )),
            (None, false) => message.push_str(&format!(
                "    git fetch --no-tags {remote}\n(or check the spelling: it is no branch, tag or commit here)"
            )),
        }
        Ok(message)
    }
}

fn looks_like_sha(rev: &str) -> bool {
    rev.len() >= 7 && rev.chars().all(|c| c.is_ascii_hexdigit())
}

fn git_in(dir: &Path, args: &[&str]) -> Result<String, Error> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(failed("cannot run git (is it installed?)"))?;
    if !out.status.success() {
        return Err(Error::Git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    String::from_utf8(out.stdout).map_err(failed("git printed something that is not UTF-8"))
}
