//! Which files `mdspool convert` converts when given many, and the name each output gets: a
//! directory is searched (recursively) for `*.pdf` (any case), skipping the names every inbox
//! ignores (temp files, `._*`, `.DS_Store`...) and anything that is not a regular file; a file
//! named on the command line is taken whatever its name. Each input becomes `OUTDIR/STEM.md`; when
//! two inputs share a stem (compared without case, as on a Windows or macOS share), the later ones
//! become `STEM (2).md`, `STEM (3).md`..., in the order the inputs were given (files of a directory
//! in name order), so the same command maps the same inputs to the same names every time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};
use crate::inbox::names::{builtin_ignored, is_pdf_name, markdown_stem};

/// One file to convert and the name of its Markdown in the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub pdf: PathBuf,
    pub md_name: String,
}

/// The PDFs under `dir`, in name order (subdirectories after the files beside them).
fn search(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .at(dir)?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut subdirs = Vec::new();
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if builtin_ignored(&name) {
            continue;
        }
        // `file_type` does not follow symlinks: a link is neither searched nor converted.
        match e.file_type() {
            Ok(t) if t.is_dir() => subdirs.push(e.path()),
            Ok(t) if t.is_file() && is_pdf_name(&name) => out.push(e.path()),
            _ => {}
        }
    }
    for d in subdirs {
        search(&d, out)?;
    }
    Ok(())
}

/// The files to convert: `args` in order, directories expanded; a file reached twice is taken once.
/// A name that does not exist is kept: its conversion fails with `io_error`, like any unreadable file.
pub fn collect(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for a in args {
        if a.is_dir() {
            search(a, &mut files)?;
        } else {
            files.push(a.clone());
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(files)
}

/// The stem of the output name: the file name less a `.pdf` ending.
fn stem(pdf: &Path) -> String {
    let name = pdf.file_name().map(|n| n.to_string_lossy().into_owned());
    markdown_stem(&name.unwrap_or_else(|| "input".into()))
}

/// Gives each file its output name, unique within the batch.
pub fn name_outputs(files: Vec<PathBuf>) -> Vec<Input> {
    let mut taken = HashSet::new();
    files
        .into_iter()
        .map(|pdf| {
            let stem = stem(&pdf);
            let mut md_name = format!("{stem}.md");
            let mut n = 2;
            while !taken.insert(md_name.to_lowercase()) {
                md_name = format!("{stem} ({n}).md");
                n += 1;
            }
            Input { pdf, md_name }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[&str]) -> Vec<String> {
        let files = files.iter().map(PathBuf::from).collect();
        name_outputs(files).into_iter().map(|i| i.md_name).collect()
    }

    #[test]
    fn shared_stems_get_numbered_names_in_input_order() {
        assert_eq!(
            names(&[
                "a/report.pdf",
                "b/report.pdf",
                "c/Report.PDF",
                "report (2).pdf"
            ]),
            [
                "report.md",
                "report (2).md",
                "Report (3).md",
                "report (2) (2).md"
            ]
        );
        assert_eq!(
            names(&["notes", "x/.pdf", ".hidden.pdf"]),
            ["notes.md", "_.pdf.md", "_.hidden.md"]
        );
    }

    #[test]
    fn directories_are_searched_for_pdfs_only() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::create_dir_all(d.join("sub")).unwrap();
        for n in ["b.pdf", "a.PDF", "notes.txt", "._a.pdf", "sub/c.pdf"] {
            std::fs::write(d.join(n), b"%PDF-").unwrap();
        }
        std::os::unix::fs::symlink(d.join("b.pdf"), d.join("link.pdf")).unwrap();
        let got = collect(&[d.to_path_buf(), d.join("b.pdf")]).unwrap();
        let rel: Vec<_> = got.iter().map(|p| p.strip_prefix(d).unwrap()).collect();
        assert_eq!(
            rel,
            [
                Path::new("a.PDF"),
                Path::new("b.pdf"),
                Path::new("sub/c.pdf")
            ]
        );
    }
}
