//! Which names in the inbox are drops, which are sidecars and which are left alone. Writers of every
//! kind leave temp files behind (browsers, Syncthing, WinSCP, rsync, Office, macOS, Synology): none of
//! them may ever be taken as a half-written drop.

/// The suffix of a sidecar: `NAME.pdf.idem` belongs to `NAME.pdf`.
pub const SIDECAR_SUFFIX: &str = ".idem";

/// The name used inside a staging entry for the job being built; a drop may not use it.
pub const RESERVED: &str = "job";

/// What a name in the inbox is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Never looked at.
    Ignored,
    /// A PDF drop (`*.pdf`, any case).
    Pdf,
    /// `COMPANION.idem`: the sidecar of `COMPANION`.
    Sidecar { companion: String },
    /// Anything else: left alone unless a sidecar names it.
    Other,
}

fn lower_ends_with(name: &str, suffix: &str) -> bool {
    name.len() > suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Is `name` one of the names every mdspool inbox ignores (temp files, OS metadata)?
pub fn builtin_ignored(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.is_empty()
        || name == RESERVED
        || name.starts_with('.') // dotfiles: .DS_Store, ._*, .syncthing.*, .nfs*, .NAME.part, rsync temps
        || name.starts_with("~$") // Office lock files
        || lower.starts_with("~syncthing~")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower == "@eadir"
        || lower == "__macosx"
        || [".part", ".tmp", ".crdownload", ".filepart", ".partial", ".download"]
            .iter()
            .any(|s| lower_ends_with(name, s))
}

/// A `*` / `?` glob match, case-insensitive (`*` matches any run of characters, `/` included).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The ignore rules of one inbox: the built-in list plus `watch.ignore`.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub extra: Vec<String>,
}

impl Rules {
    pub fn new(extra: &[String]) -> Rules {
        Rules {
            extra: extra.to_vec(),
        }
    }

    pub fn ignored(&self, name: &str) -> bool {
        builtin_ignored(name) || self.extra.iter().any(|p| glob_match(p, name))
    }

    /// Classifies a file name (not a path).
    pub fn kind(&self, name: &str) -> Kind {
        if self.ignored(name) {
            return Kind::Ignored;
        }
        if lower_ends_with(name, SIDECAR_SUFFIX) {
            let companion = &name[..name.len() - SIDECAR_SUFFIX.len()];
            if self.ignored(companion) {
                return Kind::Ignored;
            }
            return Kind::Sidecar {
                companion: companion.to_string(),
            };
        }
        if is_pdf_name(name) {
            return Kind::Pdf;
        }
        Kind::Other
    }
}

/// Does `name` end in `.pdf`, in any case (with something before it)?
pub fn is_pdf_name(name: &str) -> bool {
    lower_ends_with(name, ".pdf")
}

/// The name of the Markdown made from the PDF named `name`, less its `.md`: `name` without its
/// `.pdf` ending, with `_` before a hidden one (`.pdf` itself included), so that the result is
/// never hidden, never a temp name.
pub fn markdown_stem(name: &str) -> String {
    let stem = if is_pdf_name(name) {
        &name[..name.len() - 4]
    } else {
        name
    };
    if stem.is_empty() || stem.starts_with('.') {
        format!("_{stem}")
    } else {
        stem.to_string()
    }
}

/// The sidecar name of drop `name`.
pub fn sidecar_of(name: &str) -> String {
    format!("{name}{SIDECAR_SUFFIX}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_and_metadata_names_are_ignored() {
        let r = Rules::new(&["scan_*.pdf".into()]);
        for n in [
            ".DS_Store",
            "._a.pdf",
            "Thumbs.db",
            "desktop.ini",
            "~$doc.pdf",
            "a.pdf.part",
            "a.part",
            "a.PDF.tmp",
            "a.pdf.crdownload",
            "a.pdf.filepart",
            ".syncthing.a.pdf.tmp",
            "~syncthing~a.pdf.tmp",
            ".nfs000123",
            "@eaDir",
            ".a.pdf.part",
            ".~manifest.json.x.tmp",
            "Scan_001.pdf",
            "a.part.idem",
            "job",
        ] {
            assert_eq!(r.kind(n), Kind::Ignored, "{n}");
        }
    }

    #[test]
    fn drops_and_sidecars_are_recognized() {
        let r = Rules::default();
        assert_eq!(r.kind("a.pdf"), Kind::Pdf);
        assert_eq!(r.kind("Report.PDF"), Kind::Pdf);
        assert_eq!(r.kind(".pdf"), Kind::Ignored);
        assert_eq!(
            r.kind("a.pdf.idem"),
            Kind::Sidecar {
                companion: "a.pdf".into()
            }
        );
        assert_eq!(r.kind("notes.txt"), Kind::Other);
        assert_eq!(r.kind("pdf"), Kind::Other);
        assert_eq!(r.kind("é.pdf"), Kind::Pdf);
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.bak", "x.BAK"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "a123b45c"));
        assert!(!glob_match("a*b*c", "a123b45"));
    }
}
