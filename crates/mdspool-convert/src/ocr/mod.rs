//! OCR of pages without a text layer (scans), or whose text layer is codes rather than text: each such page is rendered by `pdftoppm` and read by
//! `tesseract` (TSV output: words with boxes, line grouping and confidence). The words become the
//! engine's own spans, with sizes from the word boxes and a weight guessed from the strokes, and go
//! through the same layout stages as a born-digital page, so headings, lists and tables come from
//! the same code. Pages that have a text layer keep it. Both programs are optional: without them
//! (or with OCR off) a scan still ends with `no_text_layer`.

mod bullets;
mod deskew;
mod keep;
mod numbers;
mod pgm;
mod reread;
mod retry;
mod rivers;
mod rules;
mod run;
mod spans;
mod tsv;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use run::find_program;

use super::ConvertError;
use super::model::{Page, PageLayout};
use keep::{drop_stray_marks, kept, on_wall};

/// How to OCR pages without a text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrOptions {
    /// The `tesseract` program (a path, or a name looked up on `PATH`).
    pub command: PathBuf,
    /// The `pdftoppm` program (poppler-utils) that renders pages.
    pub rasterizer: PathBuf,
    /// tesseract language codes (`eng`, `deu`...), joined with `+`.
    pub languages: Vec<String>,
    /// Rendering resolution.
    pub dpi: u32,
    /// Wall-clock limit of each program run for one page.
    pub timeout: Duration,
    /// A document whose mean word confidence (0-100) is lower gets a warning.
    pub min_confidence: f32,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            command: PathBuf::from("tesseract"),
            rasterizer: PathBuf::from("pdftoppm"),
            languages: vec!["eng".into()],
            dpi: 300,
            timeout: Duration::from_secs(120),
            min_confidence: 60.0,
        }
    }
}

impl OcrOptions {
    /// Both programs, resolved, or what is missing.
    pub fn programs(&self) -> Result<(PathBuf, PathBuf), String> {
        let t = find_program(&self.command)
            .ok_or_else(|| format!("{} not found", self.command.display()))?;
        let r = find_program(&self.rasterizer)
            .ok_or_else(|| format!("{} not found", self.rasterizer.display()))?;
        Ok((t, r))
    }
}

/// What OCR did for one document (recorded in the statistics, hence the manifest).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OcrStats {
    /// Pages (1-based) that were read by OCR.
    pub pages: Vec<u32>,
    /// Words recognised on them.
    pub words: u64,
    /// Mean word confidence, 0-100.
    pub mean_confidence: f32,
    pub languages: Vec<String>,
}

/// Whether OCR would read any of `pages` (one shows no text at all).
pub(crate) fn wanted(pages: &[Result<PageLayout, ConvertError>]) -> bool {
    pages.iter().any(|p| matches!(p, Ok(p) if to_read(p)))
}

/// Whether a page is to be read from its image: it shows no text, or only glyph codes
/// ([`codes_not_text`]).
fn to_read(p: &PageLayout) -> bool {
    textless(p) || p.codes
}

/// Whether a laid-out page shows no text at all.
fn textless(p: &PageLayout) -> bool {
    !p.lines
        .iter()
        .any(|l| l.table.is_some() || l.spans.iter().any(|s| !s.text.trim().is_empty()))
}

/// Whether the parser's texts of a page are codes, not text: a twentieth or more of their
/// characters (five or more) are control characters. A font without a Unicode mapping whose codes
/// were renumbered (Ghostscript re-encodes each subset from code 1 up when a PDF is printed
/// through PostScript) gives its first glyphs codes under 32, read through a standard encoding as
/// controls, and its other glyphs as the wrong letters and punctuation ("!\"#$ %&'()"); no text
/// has them. Tabs are not counted.
pub(crate) fn codes_not_text<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut controls, mut all) = (0usize, 0usize);
    for c in texts.flat_map(str::chars).filter(|c| *c != ' ') {
        all += 1;
        controls += usize::from(c.is_control() && c != '\t');
    }
    controls >= 5 && controls * 20 >= all
}

/// One page as recognised: its lines of spans and its size in points.
struct Recognised {
    index: usize,
    lines: Vec<spans::OcrLine>,
    rules: Vec<super::model::Rule>,
    width: f32,
    height: f32,
    words: u64,
    conf_sum: f64,
}

/// OCR every page of `pages` that was read without text, replacing it by the recognised page laid
/// out by `lay_out`. Returns `None` when no page needed it; failures become `warnings`.
pub(crate) fn fill_pages(
    path: &Path,
    pages: &mut [Result<PageLayout, ConvertError>],
    opts: &OcrOptions,
    warnings: &mut Vec<String>,
    lay_out: impl Fn(Page) -> PageLayout,
) -> Option<OcrStats> {
    let wanted: Vec<usize> = (0..pages.len())
        .filter(|&i| matches!(&pages[i], Ok(p) if to_read(p)))
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let programs = match opts.programs() {
        Ok(p) => p,
        Err(e) => {
            warnings.push(format!("OCR not run: {e}"));
            return None;
        }
    };
    let mut done = Vec::new();
    for i in wanted {
        match recognise(path, i, opts, &programs) {
            Ok(r) => done.push(r),
            Err(e) => warnings.push(format!("page {}: OCR failed: {e}", i + 1)),
        }
    }
    let mut stats = OcrStats {
        languages: opts.languages.clone(),
        ..Default::default()
    };
    let mut conf = 0.0f64;
    {
        let mut all: Vec<&mut spans::OcrLine> =
            done.iter_mut().flat_map(|r| r.lines.iter_mut()).collect();
        spans::settle_styles(&mut all);
    }
    for r in done {
        stats
            .pages
            .push(u32::try_from(r.index + 1).unwrap_or(u32::MAX));
        stats.words += r.words;
        conf += r.conf_sum;
        let mut spans: Vec<_> = r.lines.into_iter().flat_map(|l| l.spans).collect();
        numbers::repair(&mut spans);
        let page = Page {
            number: r.index + 1,
            width: r.width,
            height: r.height,
            spans,
            rules: r.rules,
            rtl: false,
            asides: Vec::new(),
            codes: false,
        };
        pages[r.index] = Ok(lay_out(page));
    }
    if stats.pages.is_empty() {
        return None;
    }
    stats.mean_confidence = if stats.words == 0 {
        0.0
    } else {
        ((conf / stats.words as f64 * 10.0).round() / 10.0) as f32
    };
    if stats.mean_confidence < opts.min_confidence {
        warnings.push(format!(
            "low OCR confidence: mean word confidence {:.1} is below ocr.min_confidence {:.1}",
            stats.mean_confidence, opts.min_confidence
        ));
    }
    Some(stats)
}

/// Render page `index` and read it with tesseract.
fn recognise(
    path: &Path,
    index: usize,
    opts: &OcrOptions,
    (tesseract, pdftoppm): &(PathBuf, PathBuf),
) -> Result<Recognised, String> {
    let tmp = tempfile::Builder::new()
        .prefix(".mdspool-ocr-")
        .tempdir()
        .map_err(|e| format!("temporary folder: {e}"))?;
    let dir = tmp.path();
    let (n, dpi) = (
        (index + 1).to_string(),
        opts.dpi.clamp(50, 1200).to_string(),
    );
    let base = dir.join("page");
    let args: [&std::ffi::OsStr; 11] = [
        "-r".as_ref(),
        dpi.as_ref(),
        "-gray".as_ref(),
        "-f".as_ref(),
        n.as_ref(),
        "-l".as_ref(),
        n.as_ref(),
        "-singlefile".as_ref(),
        "-q".as_ref(),
        path.as_os_str(),
        base.as_os_str(),
    ];
    run::run(pdftoppm, &args, &dir.join("render.err"), opts.timeout)?;
    let image = dir.join("page.pgm");
    let data = std::fs::read(&image).map_err(|e| format!("rendered page: {e}"))?;
    let mut gray = pgm::Gray::parse(&data);
    drop(data);
    // A page scanned askew is turned straight before tesseract reads it (it drops long skewed
    // lines); the boxes it reports are then in the straightened image, which `gray` becomes.
    if let Some(g) = &gray {
        let s = deskew::slope_of(g);
        if s.abs() > 0.002 {
            let straight = pgm::Gray::new(g.width, g.height, deskew::straighten(g, s));
            if std::fs::write(&image, straight.to_pgm()).is_ok() {
                gray = Some(straight);
            }
        }
    }
    // Ruling lines are taken out of the image tesseract reads: it reads them as "|" and "_" glued
    // to the words beside them, and drops the words of a ruled cell as unsure. They are found
    // again in the image itself below, after the words.
    let mut seen = None;
    if let Some(g) = &gray {
        let guess = opts.dpi.clamp(50, 1200) as f32 / 10.0;
        let found = rules::find(g, 0.0, guess, 1.0);
        if !found.is_empty() {
            let boxes: Vec<_> = found
                .iter()
                .map(|r| {
                    let px = |v: f32| v.max(0.0) as usize;
                    (px(r.x0), px(r.top), px(r.x1.ceil()), px(r.bottom.ceil()))
                })
                .collect();
            // Failing to write it leaves the page as it was rendered.
            let white = g.whitened(&boxes, 1);
            if std::fs::write(&image, white.to_pgm()).is_ok() {
                seen = Some(white);
            }
        }
    }
    let langs = if opts.languages.is_empty() {
        "eng".to_string()
    } else {
        opts.languages.join("+")
    };
    let out = dir.join("words");
    let args: [&std::ffi::OsStr; 10] = [
        image.as_os_str(),
        out.as_os_str(),
        "--dpi".as_ref(),
        dpi.as_ref(),
        "--psm".as_ref(),
        "1".as_ref(),
        "-l".as_ref(),
        langs.as_ref(),
        "tsv".as_ref(),
        "quiet".as_ref(),
    ];
    run::run(tesseract, &args, &dir.join("ocr.err"), opts.timeout)?;
    let text = std::fs::read_to_string(dir.join("words.tsv")).map_err(|e| format!("{e}"))?;
    let mut words = tsv::parse(&text);
    bullets::mark(&mut words);
    let common: [&std::ffi::OsStr; 4] = [
        "--dpi".as_ref(),
        dpi.as_ref(),
        "-l".as_ref(),
        langs.as_ref(),
    ];
    let upright = {
        let sure: Vec<tsv::Word> = words.iter().filter(|w| kept(w)).cloned().collect();
        tsv::turn_of(&sure) == tsv::Turn::None
    };
    if let (true, Some(g)) = (upright, seen.as_ref().or(gray.as_ref())) {
        reread::weak_words(&mut words, g, dir, tesseract, &common, opts.timeout);
    }
    // Tall boxes are read again before the noise goes: a column of list or footnote numbers read
    // as one word is often read as noise too.
    if let (true, Some(g)) = (upright, &gray) {
        retry::tall_words(&mut words, g, dir, tesseract, &common, opts.timeout);
    }
    words.retain(kept);
    let (w, h) = match &gray {
        Some(g) => (g.width as f32, g.height as f32),
        None => {
            let x = words.iter().map(|w| w.x1).fold(1.0, f32::max);
            let y = words.iter().map(|w| w.y1).fold(1.0, f32::max);
            (x, y)
        }
    };
    let turn = tsv::turn_of(&words);
    let (w, h) = tsv::turn_upright(&mut words, turn, w, h);
    let slope = tsv::skew_of(&words);
    tsv::deskew(&mut words, slope, w, h);
    let scale = 72.0 / opts.dpi.clamp(50, 1200) as f32;
    // Ruling lines from the pixels (upright scans; a turned page keeps its text only).
    let rules = match (&gray, turn) {
        (Some(g), tsv::Turn::None) => {
            let mut hs: Vec<f32> = words.iter().map(|w| w.y1 - w.y0).collect();
            hs.sort_by(f32::total_cmp);
            let typical = hs
                .get(hs.len() / 2)
                .copied()
                .unwrap_or(opts.dpi as f32 / 8.0);
            rules::find(g, slope, typical, scale)
        }
        _ => Vec::new(),
    };
    // A vertical ruling line is often also read as a word ("|", "l", "[", "]"): such narrow words
    // on a rule go.
    tracing::trace!("OCR page {}: rules {:?}", index + 1, rules);
    let walls: Vec<super::model::Rule> = rules
        .iter()
        .filter(|r| !r.is_horizontal())
        .cloned()
        .collect();
    words.retain(|w| !on_wall(w, &walls, scale));
    drop_stray_marks(&mut words);
    // Phrases are not joined across a rule, nor across a column edge of a close-set table.
    let mut apart = walls.clone();
    apart.extend(rivers::find(&words, scale));
    if turn == tsv::Turn::None {
        rivers::split_crossing(&mut words, &apart, scale);
    }
    let mut lines = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let j = (i..words.len())
            .find(|&j| words[j].line != words[i].line)
            .unwrap_or(words.len());
        lines.push(spans::line_spans(
            &words[i..j],
            scale,
            gray.as_ref(),
            turn,
            &apart,
        ));
        i = j;
    }
    Ok(Recognised {
        index,
        lines,
        rules,
        width: w * scale,
        height: h * scale,
        words: words.len() as u64,
        conf_sum: words.iter().map(|w| f64::from(w.conf)).sum(),
    })
}
