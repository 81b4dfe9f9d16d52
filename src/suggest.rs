//! "Did you mean …?": the nearest known name to a misspelt one.

/// The most similar candidate, if any is similar enough (normalised Damerau-Levenshtein ≥ 0.6).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::normalized_damerau_levenshtein(name, candidate);
        let better = best.is_none_or(|(s, b)| score > s || (score == s && candidate < b));
        if score >= 0.6 && better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["revenue", "operating_income", "net_income"];
        assert_eq!(did_you_mean("revenu", names), Some("revenue"));
        assert_eq!(did_you_mean("net_incme", names), Some("net_income"));
        assert_eq!(did_you_mean("capex", names), None);
    }
}
