//! A converter that delegates to an external command (for example `marker_single`), for documents
//! the built-in engine reads poorly. The command template's placeholders are filled in (`{outdir}` is a
//! fresh temporary directory), the command runs, and the Markdown is read back from the named output file or
//! the first file in the output directory matching a glob-like pattern (default `*.md`). No time limit
//! here: the daemon runs every conversion in a child process with its own limits.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{ConvertError, ConvertOptions, ConvertOutput, Converter};

/// How much of the command's stderr goes into the error message.
const STDERR_TAIL: usize = 2_000;

pub struct ExternalConverter {
    command: Vec<String>,
    output_pattern: String,
}

impl ExternalConverter {
    /// `command` is the program and its arguments with `{input}`, `{outdir}` and `{output}`
    /// placeholders; `output_pattern` selects the result file in `{outdir}` when `{output}` is unused.
    pub fn new(command: Vec<String>, output_pattern: Option<String>) -> ExternalConverter {
        ExternalConverter {
            command,
            output_pattern: output_pattern.unwrap_or_else(|| "*.md".to_string()),
        }
    }

    fn fail(input: &Path, reason: impl Into<String>) -> ConvertError {
        ConvertError::External {
            path: input.to_path_buf(),
            reason: reason.into(),
        }
    }
}

impl Converter for ExternalConverter {
    fn name(&self) -> &str {
        "external"
    }

    fn version(&self) -> String {
        self.command.first().cloned().unwrap_or_default()
    }

    fn convert(&self, input: &Path, _opts: &ConvertOptions) -> Result<ConvertOutput, ConvertError> {
        let io = |source| ConvertError::Io {
            path: input.to_path_buf(),
            source,
        };
        let outdir = tempfile::tempdir().map_err(io)?;
        let output = outdir.path().join("output.md");
        let uses_output = self.command.iter().any(|a| a.contains("{output}"));
        let fill = |a: &String| {
            a.replace("{input}", &input.to_string_lossy())
                .replace("{outdir}", &outdir.path().to_string_lossy())
                .replace("{output}", &output.to_string_lossy())
        };
        let args: Vec<String> = self.command.iter().map(fill).collect();
        let Some((prog, rest)) = args.split_first() else {
            return Err(Self::fail(input, "empty command"));
        };
        let mut cmd = Command::new(prog);
        cmd.args(rest);
        // The command dies with the process that started it, even when that one is SIGKILLed (the
        // daemon's conversion child is itself tied to the daemon the same way).
        super::tie_to_parent(&mut cmd);
        let result = cmd
            .output()
            .map_err(|e| Self::fail(input, format!("cannot run {prog}: {e}")))?;
        if !result.status.success() {
            let err = String::from_utf8_lossy(&result.stderr);
            let mut start = err.len().saturating_sub(STDERR_TAIL);
            while !err.is_char_boundary(start) {
                start += 1;
            }
            return Err(Self::fail(
                input,
                format!(
                    "{prog} exited with {}: {}",
                    result.status,
                    err[start..].trim()
                ),
            ));
        }
        let file = if uses_output {
            output
        } else {
            find_output(outdir.path(), &self.output_pattern, 4).ok_or_else(|| {
                Self::fail(input, format!("no file matching {}", self.output_pattern))
            })?
        };
        let markdown = std::fs::read_to_string(&file)
            .map_err(|e| Self::fail(input, format!("cannot read {}: {e}", file.display())))?;
        // Page count and metadata from our own reader, when it can open the file.
        let stats = super::metadata(input).unwrap_or_default();
        Ok(ConvertOutput { markdown, stats })
    }
}

/// First file (in name order, depth-first, bounded depth) whose name matches `pattern`.
fn find_output(dir: &Path, pattern: &str, depth: usize) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in &entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        if p.is_file() && name.is_some_and(|n| glob_match(pattern, &n)) {
            return Some(p.clone());
        }
    }
    if depth == 0 {
        return None;
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| find_output(p, pattern, depth - 1))
}

/// Minimal glob: `*` matches any run of characters, `?` one character.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == n.get(ni) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*.md", "a.md"));
        assert!(glob_match("*.md", ".md"));
        assert!(!glob_match("*.md", "a.mdx"));
        assert!(glob_match("out?.md", "out1.md"));
        assert!(glob_match("*", "x"));
    }
}
