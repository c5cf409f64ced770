//! What page furniture reads like, for documents too short to show it by repetition: page numbers
//! ("7", "- 7 -", "Page 3 of 12", roman numerals, a browser's "2/3"), dates with or without a time,
//! "Downloaded from ...", "Volume N | Issue M", an address alone, a short label ending in a number.

/// A bare page number or "Page N (of M)".
pub(crate) fn is_page_number(t: &str) -> bool {
    let t = t
        .trim()
        .trim_matches(|c| c == '-' || c == '–' || c == '|')
        .trim();
    let lower = t.to_lowercase();
    let lower = lower
        .strip_prefix("page")
        .map(str::trim)
        .unwrap_or(lower.as_str());
    let mut parts = lower.split("of").map(str::trim);
    let first = parts.next().unwrap_or("");
    let roman = !first.is_empty() && first.len() <= 6 && first.chars().all(|c| "ivxlc".contains(c));
    (!first.is_empty() && first.len() <= 5 && first.chars().all(|c| c.is_ascii_digit())) || roman
}

/// Wording of running heads and feet: page numbers, "Page N of M", "Downloaded from ...", "Volume N |
/// Issue M", dates, and a short label ending in a number ("Technical note 541", "Part 3").
pub(crate) fn reads_as_furniture(t: &str) -> bool {
    let lower = t.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if is_page_number(&lower) || lower.starts_with("downloaded from") || lower.starts_with("doi:") {
        return true;
    }
    // A browser's print header and footer: the page's address alone, and "2/3".
    let address = ["http://", "https://", "file://", "www."]
        .iter()
        .any(|p| lower.starts_with(p));
    if (address && words.len() == 1) || page_of_pages(&lower) {
        return true;
    }
    let has = |w: &str| {
        words
            .iter()
            .any(|x| x.trim_matches(|c: char| !c.is_alphanumeric()) == w)
    };
    let numbered = |i: usize| {
        words.get(i + 1).is_some_and(|n| {
            n.trim_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .all(|c| c.is_ascii_digit())
        })
    };
    let vol_issue = words.iter().enumerate().any(|(i, w)| {
        matches!(w.trim_end_matches('.'), "volume" | "vol" | "issue" | "no") && numbered(i)
    });
    if vol_issue && (has("issue") || has("volume") || has("vol")) {
        return true;
    }
    if is_date(&words) {
        return true;
    }
    // A short label ending in a number.
    let last_num = words
        .last()
        .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()));
    last_num
        && (2..=3).contains(&words.len())
        && words
            .iter()
            .rev()
            .skip(1)
            .all(|w| w.chars().all(char::is_alphabetic))
}

/// "2/3": the page's number over the page count, as a browser prints it.
fn page_of_pages(t: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit());
    t.split_once('/')
        .is_some_and(|(a, b)| digits(a) && digits(b) && a.parse::<u32>().ok() <= b.parse().ok())
}

/// A date alone, with or without a time of day after it: "30 November 2026", "November 30, 2026",
/// "2026-11-30", "30.11.2026", "12/2/26, 4:24 AM" (a browser's print header).
fn is_date(words: &[&str]) -> bool {
    let mut words = words;
    if let [rest @ .., "am" | "pm"] = words {
        words = rest;
    }
    let clock = |w: &str| {
        let parts: Vec<&str> = w.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    };
    if let [rest @ .., time] = words
        && clock(time)
        && !rest.is_empty()
    {
        words = rest;
    }
    is_day(words)
}

fn is_day(words: &[&str]) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let year = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_digit());
        w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())
    };
    let numeric = |w: &str| {
        let parts: Vec<&str> = w.trim_end_matches(',').split(['-', '.', '/']).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    match words {
        [w] => numeric(w),
        [a, b, c] => {
            let month = |w: &str| MONTHS.contains(&w.trim_matches(|c: char| !c.is_alphabetic()));
            (month(a) || month(b)) && year(c)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_page_number, reads_as_furniture};

    #[test]
    fn furniture_wording() {
        for t in [
            "Technical note 541",
            "Page 2 of 2",
            "Downloaded from example.org on 3 May",
            "Volume 12 | Issue 3",
            "30 November 2026",
            "November 30, 2026",
            "2026-11-30",
            "xiv",
            "12/2/26, 4:24 AM",
            "2026-12-02 16:05",
            "file:///tmp/report/doc.html",
            "https://example.org/a/b",
            "2/3",
        ] {
            assert!(reads_as_furniture(t), "{t}");
        }
        for t in [
            "Introduction",
            "The value is 3",
            "Results and discussion 2024 figures",
            "Table 2: Costs",
            "3/2",
            "See https://example.org for more",
            "4:24 AM",
        ] {
            assert!(!reads_as_furniture(t), "{t}");
        }
    }

    #[test]
    fn page_numbers() {
        for t in ["7", "- 7 -", "Page 3", "page 3 of 12", "xiv", "| 12 |"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["7 apples", "Chapter 3", "2.1", "Introduction", ""] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}
