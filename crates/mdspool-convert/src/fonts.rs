//! What a font's name tells about its glyphs (weight, slant, fixed pitch, symbol fonts): PDF files
//! often omit or misstate the descriptor flags, and the name (`NimbusRomNo9L-Medi`, `cmbx10`) is the
//! better witness. Shared by the horizontal reader and the rotated-page reader.

/// Font name without the subset prefix (`ABCDEF+`), lower case.
pub(crate) fn font_key(name: &str) -> String {
    let base = match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 => rest,
        _ => name,
    };
    base.to_ascii_lowercase()
}

/// A TeX font's name (`cmr10`, `sfrm1200`, `ecbx1000`, `lmroman10-bold`): its letters say its
/// weight and shape.
fn tex_name(name: &str) -> bool {
    ["cm", "sf", "lm", "ec", "tc"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// TeX font names (`cmbx10`, `sfbx1000`, `lmroman10-bold`) and the usual `Bold`/`Black` suffixes.
pub(crate) fn name_is_bold(name: &str) -> bool {
    let tex = tex_name(name);
    ["bold", "black", "heavy", "semibd", "demi"]
        .iter()
        .any(|m| name.contains(m))
        || (tex
            && (name.contains("bx")
                || ["cmb", "sfb", "ecb"].iter().any(|p| name.starts_with(p))
                // cm-super and EC: sans bold extended (`sfsx`, KOMA-Script's headings), bold caps
                || ["sx", "xc"].iter().any(|w| name.get(2..4) == Some(*w))))
}

/// A font name that states a regular weight ("Times-Roman", "NimbusRomNo9L-Regu", "Arial-Book",
/// TeX's `sfrm1200` or `cmr10`): it overrides a descriptor whose weight reads bold (some producers
/// write one for every font; Ghostscript's `/StemV` makes Computer Modern's roman look bold).
pub(crate) fn name_is_regular(name: &str) -> bool {
    let style = name.rsplit(['-', ',', '_']).next().unwrap_or("");
    ["roman", "regu", "book", "light", "normal"]
        .iter()
        .any(|m| style.starts_with(m))
        || (tex_name(name) && name.ends_with(|c: char| c.is_ascii_digit()) && !name_is_bold(name))
}

pub(crate) fn name_is_italic(name: &str) -> bool {
    let tex = tex_name(name);
    // The style after the family: URW's "ReguItal" and "MediItal" (the Times and Palatino clones
    // of Ghostscript and TeX), Adobe's "It" and "BoldIt".
    let style = name.rsplit(['-', ',', '_']).next().unwrap_or("");
    let styled = name.len() > style.len() && (style.contains("ital") || style.ends_with("it"));
    styled
        || ["italic", "oblique"].iter().any(|m| name.contains(m))
        || (tex && (name.contains("ti") || name.contains("sl") || name.contains("mi")))
}

pub(crate) fn is_dingbat_font(name: &str) -> bool {
    ["wingding", "dingbat", "webdings"]
        .iter()
        .any(|m| name.contains(m))
}

/// A character of Unicode's symbol blocks (arrows, technical and geometric shapes, dingbats,
/// pictographs): what a symbol font's glyphs are, once the parser has mapped them.
pub(crate) fn is_symbol(c: char) -> bool {
    matches!(c, '\u{2190}'..='\u{2BFF}' | '\u{1F300}'..='\u{1FAFF}')
}

pub(crate) fn is_mono_name(name: &str) -> bool {
    [
        "courier",
        "mono",
        "consol",
        "menlo",
        "inconsolata",
        "cmtt",
        "sftt",
        "ectt",
        "tctt",
        // URW's Courier clone, Times' companion in TeX and Ghostscript ("NimbusMonL-Regu")
        "nimbusmon",
        "typewriter",
    ]
    .iter()
    .any(|m| name.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_names_tell_their_weight() {
        for regular in [
            "sfrm1200",
            "cmr10",
            "ecrm1095",
            "sfti1000",
            "cmmi10",
            "sfss1000",
            "lmroman10-regular",
        ] {
            assert!(
                name_is_regular(regular) && !name_is_bold(regular),
                "{regular}"
            );
        }
        for bold in [
            "sfbx1200",
            "cmbx10",
            "ecbx1440",
            "cmb10",
            "lmroman10-bold",
            "sfsx1440",
            "ecxc1000",
        ] {
            assert!(name_is_bold(bold) && !name_is_regular(bold), "{bold}");
        }
        // Not TeX names: the descriptor decides.
        assert!(!name_is_regular("cambria") && !name_is_regular("segoeui"));
    }

    #[test]
    fn style_names_tell_italics_and_typewriters() {
        for italic in [
            "nimbusromno9l-reguital",
            "urwpalladiol-ital",
            "minionpro-it",
            "myriadpro-boldit",
            "times-italic",
            "arial,bolditalic",
            "helvetica-oblique",
            "cmti10",
        ] {
            assert!(name_is_italic(italic), "{italic}");
        }
        assert!(is_mono_name("nimbusmonl-regu") && is_mono_name("ectt1000"));
        assert!(!is_mono_name("nimbusromno9l-regu"));
        for upright in [
            "nimbusromno9l-regu",
            "digitalsans-regular",
            "times-roman",
            "capitalis",
            "cmr10",
        ] {
            assert!(!name_is_italic(upright), "{upright}");
        }
    }
}
