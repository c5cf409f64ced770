//! The built-in conversion pipeline: read pages, drop page furniture, order each page's lines for
//! reading, cut them into blocks and write Markdown. Also decides the document-level outcomes
//! (no text layer at all, every page unreadable, decompression cap).

use std::path::Path;
use std::sync::Once;

use super::blocks::{Block, blocks_of_run};
use super::docgutter::Gutter;
use super::document::Document;
use super::furniture::drop_furniture;
use super::layout::{page_lines, reading_order};
use super::model::{Line, Page, PageLayout, Span};
use super::tables::Hints;
use super::vocab::Vocab;
use super::{ConvertError, ConvertOptions, ConvertOutput, ConvertStats, fonts, grid, markdown};

/// Most warnings recorded in the stats (one per unreadable page otherwise).
const MAX_WARNINGS: usize = 20;

/// Most threads used to read the pages of one document.
const MAX_THREADS: usize = 4;

static STREAM_CAP: Once = Once::new();

/// The parser reads its decompression cap only from the environment (`PDF_OXIDE_MAX_DECOMPRESS_MB`,
/// on every decode; it has no per-document setting). Set it once per process, before the first
/// parse, from the first caller's options, unless the caller's environment already sets it (the
/// daemon's conversion child gets it from its parent, so there this never writes).
fn apply_stream_cap(max_stream_bytes: u64) {
    STREAM_CAP.call_once(|| {
        let mb = (max_stream_bytes / (1024 * 1024)).max(1);
        if std::env::var_os("PDF_OXIDE_MAX_DECOMPRESS_MB").is_none() {
            // SAFETY: runs once, before this process starts any parse (all conversions pass
            // through this `Once` first, which blocks concurrent callers until it completes).
            unsafe { std::env::set_var("PDF_OXIDE_MAX_DECOMPRESS_MB", mb.to_string()) };
        }
    });
}

pub(crate) fn convert(path: &Path, opts: &ConvertOptions) -> Result<ConvertOutput, ConvertError> {
    convert_with(path, None, opts, false).map(|o| o.unwrap_or_else(|| unreachable!()))
}

/// [`convert`] on the bytes `data` of `path` when given (the file is then never opened). With
/// `defer_ocr` and OCR asked for, a document with pages OCR would read is left unconverted:
/// `Ok(None)`.
pub(crate) fn convert_with(
    path: &Path,
    data: Option<std::sync::Arc<Vec<u8>>>,
    opts: &ConvertOptions,
    defer_ocr: bool,
) -> Result<Option<ConvertOutput>, ConvertError> {
    apply_stream_cap(opts.max_stream_bytes);
    let doc = Document::open_with(path, data)?;
    let mut stats = ConvertStats {
        pages: u32::try_from(doc.pages).unwrap_or(u32::MAX),
        title: doc.title.clone(),
        author: doc.author.clone(),
        ..Default::default()
    };
    if doc.pages == 0 {
        return Err(ConvertError::Malformed {
            path: path.to_path_buf(),
            reason: "document has no pages".into(),
        });
    }
    let mut pages: Vec<PageLayout> = Vec::with_capacity(doc.pages);
    let mut failed = 0usize;
    let mut last_err = None;
    let mut results = read_pages(&doc, path, opts.threads);
    if defer_ocr && opts.ocr.is_some() && super::ocr::wanted(&results) {
        return Ok(None);
    }
    if let Some(o) = &opts.ocr {
        stats.ocr = super::ocr::fill_pages(path, &mut results, o, &mut stats.warnings, lay_out)
            .map(Box::new);
    } else {
        let codes: Vec<String> = (0..results.len())
            .filter(|&i| matches!(&results[i], Ok(p) if p.codes))
            .map(|i| (i + 1).to_string())
            .collect();
        if !codes.is_empty() {
            stats.warnings.push(format!(
                "page(s) {}: the text layer holds glyph codes without a Unicode mapping, not text; \
                 OCR would read these pages",
                codes.join(", ")
            ));
        }
    }
    // A two-column document's page read whole across is laid out again with the gutter its other
    // pages prove.
    if let Some(g) = super::docgutter::of_document(results.iter().flatten()) {
        for (i, r) in results.iter_mut().enumerate() {
            if let Ok(p) = r
                && !p.codes
                && super::docgutter::across(p)
                && let Ok(page) = doc.page(path, i)
            {
                *p = lay_out_with(page, Some(&g));
            }
        }
    }
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(p) => pages.push(p),
            Err(e) => {
                failed += 1;
                if stats.warnings.len() < MAX_WARNINGS {
                    stats.warnings.push(format!("page {}: {e}", i + 1));
                }
                if matches!(e, ConvertError::TooComplex { .. }) {
                    return Err(e);
                }
                last_err = Some(e);
            }
        }
    }
    if failed == doc.pages {
        return Err(last_err.unwrap_or(ConvertError::Malformed {
            path: path.to_path_buf(),
            reason: "no page could be read".into(),
        }));
    }
    let has_text = pages
        .iter()
        .flat_map(|p| &p.lines)
        .any(|l| l.table.is_some() || l.spans.iter().any(|s| !s.text.trim().is_empty()));
    if !has_text {
        return Err(ConvertError::NoTextLayer {
            path: path.to_path_buf(),
            pages: stats.pages,
        });
    }
    clear_majority_styles(&mut pages);
    drop_furniture(&mut pages);
    // Footnotes under a footnote rule in their column first, then those told by their size; they
    // are written at the end, in the order of their numbers when each number is used once.
    let mut notes: Vec<Block> = pages
        .iter_mut()
        .flat_map(|p| {
            let width = p.width;
            super::footnotes::take(p, width)
        })
        .map(|n| Block::Note {
            label: n.number,
            lines: n.lines,
        })
        .collect();
    notes.extend(super::notes::take_notes(&mut pages));
    let mut numbers: Vec<Option<u32>> = notes
        .iter()
        .map(|b| match b {
            Block::Note { label, .. } => label.parse::<u32>().ok(),
            _ => None,
        })
        .collect();
    numbers.sort();
    if numbers.windows(2).all(|w| w[0].is_some() && w[0] < w[1]) {
        notes.sort_by_key(|b| match b {
            Block::Note { label, .. } => label.parse::<u32>().unwrap_or(u32::MAX),
            _ => u32::MAX,
        });
    }
    if super::model::debug() {
        debug_dump(&pages);
    }
    let vocab = Vocab::of(pages.iter().flat_map(|p| &p.lines));
    let mut blocks: Vec<Block> = Vec::new();
    // The left edge of the previous run of text (a column or page).
    let mut prev_left: Option<f32> = None;
    // The head of the page before (its first block, when short): a repeat of it opening this
    // page is a continued slide's title (`carry.rs`).
    let mut head: Option<super::carry::Head> = None;
    for (k, page) in pages.into_iter().enumerate() {
        if opts.page_breaks && k > 0 {
            blocks.push(Block::PageBreak(page.number));
        }
        let mut first_run = true;
        for run in reading_order(page.lines, &page.regions) {
            let left = run
                .iter()
                .filter(|l| l.table.is_none())
                .map(|l| l.x0)
                .reduce(f32::min);
            let boundary = blocks.len();
            let open = super::carry::open_table(&blocks, boundary);
            let hints = Hints {
                open: open.as_deref(),
                vocab: Some(&vocab),
            };
            blocks_of_run(run, &page.rules, hints, &mut blocks);
            if std::mem::take(&mut first_run) {
                head = super::carry::drop_repeated_head(&mut blocks, boundary, head.as_ref());
            }
            super::carry::join_split_paragraph(&mut blocks, boundary);
            super::carry::join_split_code(&mut blocks, boundary);
            super::carry::join_split_table(&mut blocks, boundary);
            if let (Some(a), Some(b)) = (prev_left, left) {
                super::carry::join_split_item(&mut blocks, boundary, a, b);
                super::carry::align_list(&mut blocks, boundary, a, b);
            }
            prev_left = left.or(prev_left);
        }
        for aside in page.asides {
            for run in reading_order(aside.lines, &aside.regions) {
                let start = blocks.len();
                blocks_of_run(run, &aside.rules, Hints::default(), &mut blocks);
                super::asides::quiet(&mut blocks[start..]);
            }
        }
    }
    super::runin::split(&mut blocks);
    blocks.extend(notes);
    if failed > 0 && stats.warnings.len() < MAX_WARNINGS {
        stats.warnings.push(format!(
            "{failed} of {} page(s) could not be read",
            doc.pages
        ));
    }
    let markdown = markdown::render(&blocks);
    Ok(Some(ConvertOutput { markdown, stats }))
}

/// A style carried by (nearly) all of the text marks the body, not emphasis or code (a book set in
/// a typewriter face, or a font the parser reports as bold throughout): clear it everywhere.
fn clear_majority_styles(pages: &mut [PageLayout]) {
    let (mut all, mut mono, mut bold, mut italic) = (0usize, 0usize, 0usize, 0usize);
    for s in pages.iter().flat_map(|p| &p.lines).flat_map(|l| &l.spans) {
        let n = s.text.len();
        all += n;
        mono += if s.mono { n } else { 0 };
        bold += if s.bold { n } else { 0 };
        italic += if s.italic { n } else { 0 };
    }
    // Monospace over half the text is a typewriter body, unless its lines read as code (a README
    // of more code than prose: half of its monospaced lines or more hold code's punctuation, not
    // the brackets and slashes of a form's "[Client. Company]" or a date); bold or italic only
    // when nearly all of it.
    let code = || {
        let lines = pages.iter().flat_map(|p| &p.lines).filter(|l| l.all_mono());
        let (n, punct) = lines.fold((0usize, 0usize), |(n, c), l| {
            let t = l.text();
            let code = ["::", "//", "--", "->"].iter().any(|p| t.contains(p))
                || t.chars().any(|c| "{}();=<>\\`|&$@_~^%*+#".contains(c));
            (n + 1, c + usize::from(code))
        });
        punct * 2 >= n && n > 0
    };
    let mono = mono * 5 > all * 4 || (mono * 2 > all && !code());
    let (bold, italic) = (bold * 5 > all * 4, italic * 5 > all * 4);
    if !(mono || bold || italic) {
        return;
    }
    // Bold that a descriptor claims for the body fonts (Ghostscript's `/StemV`) is cleared; a font
    // whose name says bold keeps it, unless such fonts carry nearly all the text themselves.
    let named_bold = |s: &Span| bold && fonts::name_is_bold(&fonts::font_key(&s.font));
    let spans = || pages.iter().flat_map(|p| &p.lines).flat_map(|l| &l.spans);
    let by_name: usize = spans()
        .filter(|s| named_bold(s))
        .map(|s| s.text.len())
        .sum();
    let keep_named = by_name * 5 <= all * 4;
    for s in pages
        .iter_mut()
        .flat_map(|p| &mut p.lines)
        .flat_map(|l| &mut l.spans)
    {
        s.mono &= !mono;
        s.bold &= !bold || (keep_named && named_bold(s));
        s.italic &= !italic;
    }
}

fn read_page(doc: &Document, path: &Path, i: usize) -> Result<PageLayout, ConvertError> {
    Ok(lay_out(doc.page(path, i)?))
}

/// Lines in top order; fragments whose tops differ by less than a point (one baseline, glyphs of
/// other heights) keep their order, left to right, instead of following those fractions.
fn sort_by_top(lines: &mut Vec<Line>) {
    let mut keyed: Vec<(usize, Line)> = std::mem::take(lines).into_iter().enumerate().collect();
    keyed.sort_by(|a, b| a.1.top.total_cmp(&b.1.top));
    let mut start = 0;
    while start < keyed.len() {
        let first = keyed[start].1.top;
        let end = start
            + keyed[start..]
                .iter()
                .take_while(|(_, l)| l.top - first < 1.0)
                .count();
        keyed[start..end].sort_by_key(|(k, _)| *k);
        start = end;
    }
    *lines = keyed.into_iter().map(|(_, l)| l).collect();
}

/// A page's spans through the layout stages (also pages read by OCR).
fn lay_out(page: Page) -> PageLayout {
    lay_out_with(page, None)
}

/// The same, with the document's gutter lent to a page that proves none (`docgutter.rs`).
fn lay_out_with(mut page: Page, lent: Option<&Gutter>) -> PageLayout {
    page.mirror_if_rtl();
    let tables = grid::take_tables(&mut page);
    let (mut lines, regions) = page_lines(&page, lent);
    if !tables.is_empty() {
        lines.extend(tables.into_iter().map(grid::GridTable::into_line));
        sort_by_top(&mut lines);
    }
    PageLayout {
        number: page.number,
        width: page.width,
        height: page.height,
        regions,
        rules: page.rules,
        lines,
        asides: page.asides.into_iter().map(lay_out).collect(),
        codes: page.codes,
    }
}

/// Read all pages, spread over `threads` threads (pages are independent), in page order.
fn read_pages(
    doc: &Document,
    path: &Path,
    threads: usize,
) -> Vec<Result<PageLayout, ConvertError>> {
    let n = doc.pages;
    let workers = threads.clamp(1, MAX_THREADS).min(n);
    if workers <= 1 {
        return (0..n).map(|i| read_page(doc, path, i)).collect();
    }
    let mut slots: Vec<Option<Result<PageLayout, ConvertError>>> = (0..n).map(|_| None).collect();
    // The first page alone: the parser builds its document-wide caches (running headers scanned
    // over every page) on first use, and threads that start together would each build them.
    slots[0] = Some(read_page(doc, path, 0));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    (1 + w..n)
                        .step_by(workers)
                        .map(|i| (i, read_page(doc, path, i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in the layout code ends that worker; its pages stay unread (reported below).
            for (i, r) in h.join().unwrap_or_default() {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(r);
                }
            }
        }
    });
    slots
        .into_iter()
        .map(|s| {
            s.unwrap_or_else(|| {
                Err(ConvertError::Malformed {
                    path: path.to_path_buf(),
                    reason: "page analysis failed".into(),
                })
            })
        })
        .collect()
}

/// Trace every line fragment with its geometry and style (`RUST_LOG=mdspool_convert=trace`).
fn debug_dump(pages: &[PageLayout]) {
    for page in pages {
        for l in &page.lines {
            tracing::trace!(
                "p{} x{:.0}-{:.0} y{:.1}-{:.1} s{:.1}{}{} {}",
                page.number,
                l.x0,
                l.x1,
                l.top,
                l.bottom,
                l.size,
                if l.all_bold() { " B" } else { "" },
                if l.all_mono() { " M" } else { "" },
                l.text()
                    + &format!(
                        " {:?}",
                        l.spans.iter().map(|s| s.font.as_str()).collect::<Vec<_>>()
                    )
            );
        }
    }
}
