//! The model file name rule (domain.md §6): `^[A-Za-z0-9_-]+\.tar\.gz$`, checked in the
//! browser before sending and again by the server.

/// Models one racer may keep (not counting invalid ones, which hold no bytes).
pub const MAX_MODELS_PER_RACER: usize = 50;

/// Longer names are no DeepRacer export's.
pub const MAX_LEN: usize = 120;

/// `Ok` for a name the rule allows; otherwise what is wrong, for the racer.
pub fn check(name: &str) -> Result<(), String> {
    let Some(stem) = name.strip_suffix(".tar.gz") else {
        return Err("the name must end in .tar.gz".into());
    };
    if stem.is_empty() {
        return Err("the name needs something before .tar.gz".into());
    }
    if name.len() > MAX_LEN {
        return Err(format!("the name is longer than {MAX_LEN} characters"));
    }
    if let Some(bad) = stem
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "the name may only use letters, digits, - and _ (not {bad:?})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn names_follow_the_rule() {
        assert!(check("fast-lap_v2.tar.gz").is_ok());
        assert!(check("A.tar.gz").is_ok());
        for bad in [
            "model.tgz",
            ".tar.gz",
            "my model.tar.gz",
            "../x.tar.gz",
            "a.b.tar.gz",
            "ünï.tar.gz",
            "x.tar.gz.exe",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check(&format!("{}.tar.gz", "a".repeat(200))).is_err());
    }
}
