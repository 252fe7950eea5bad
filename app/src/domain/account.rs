//! Account rules: what a valid username, email, password, display name and highlight
//! colour are. Server functions and forms both use these, so the messages match.

use super::countries;
use serde::{Deserialize, Serialize};

/// A rule broken by one form field, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 10;
/// Argon2 work grows with input; nobody types more than this.
pub const PASSWORD_MAX: usize = 256;
pub const DISPLAY_NAME_MAX: usize = 40;
pub const EMAIL_MAX: usize = 254;

/// The eight tail-light presets a car can show (domain.md §1).
pub const HIGHLIGHT_COLOURS: [(&str, &str); 8] = [
    ("#0000FF", "Blue"),
    ("#FF0000", "Red"),
    ("#FF8200", "Orange"),
    ("#800080", "Purple"),
    ("#1E90FF", "Dodger blue"),
    ("#7CFC00", "Lawn green"),
    ("#FF00FF", "Magenta"),
    ("#FFFF00", "Yellow"),
];

/// Passwords every cracking list tries first. Short on purpose: length does the rest.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "0000000000",
    "1234512345",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "zaq12wsxcde",
    "iloveyou12",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "welcome1234",
    "admin12345",
    "administrator",
    "abc1234567",
    "abcdefghij",
    "asdfghjkl1",
    "asdfghjkl;",
    "football12",
    "baseball12",
    "superman12",
    "princess12",
    "sunshine12",
    "starwars12",
    "dragon1234",
    "monkey1234",
    "trustno1234",
    "changeme123",
    "deepracer1",
    "deepracer123",
    "awsdeepracer",
    "1234567890a",
    "a1234567890",
    "987654321a",
    "9876543210",
    "passwordpassword",
    "myspace123",
    "qazwsxedcrfv",
    "computer12",
    "michael123",
    "jennifer12",
    "whatever12",
];

/// Checks a username: 3–32 of `A-Z a-z 0-9 _ -`.
pub fn validate_username(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    let len = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(FieldError::new(
            "username",
            format!("Use {USERNAME_MIN} to {USERNAME_MAX} characters."),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(FieldError::new(
            "username",
            "Use only letters, digits, '_' and '-'.",
        ));
    }
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldError::new(
            "username",
            "A username needs at least one letter or digit.",
        ));
    }
    Ok(name.to_string())
}

/// Checks an email address and lower-cases it, so uniqueness ignores case.
pub fn validate_email(raw: &str) -> Result<String, FieldError> {
    let email = super::names::lowercase(raw.trim());
    let domain_has_dot = email
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
    if email.len() > EMAIL_MAX || !domain_has_dot || !email_address::EmailAddress::is_valid(&email)
    {
        return Err(FieldError::new(
            "email",
            "Enter an email address like name@example.com.",
        ));
    }
    Ok(email)
}

/// An optional email: empty means none (walk-up racers may not give one).
pub fn validate_optional_email(raw: &str) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        validate_email(raw).map(Some)
    }
}

/// Checks an ISO 3166-1 alpha-2 country code and returns it upper-cased.
pub fn validate_country(raw: &str) -> Result<String, FieldError> {
    countries::normalize(raw)
        .map(str::to_string)
        .ok_or_else(|| FieldError::new("country", "Choose a country from the list."))
}

/// Checks a new password: long enough, not absurdly long, not a common one, not the username.
pub fn validate_password(password: &str, username: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(FieldError::new(
            "password",
            format!("Use at least {PASSWORD_MIN} characters."),
        ));
    }
    if len > PASSWORD_MAX {
        return Err(FieldError::new(
            "password",
            format!("Use at most {PASSWORD_MAX} characters."),
        ));
    }
    let lower = super::names::lowercase(password);
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(FieldError::new(
            "password",
            "This password is too common. Pick another.",
        ));
    }
    if !username.is_empty() && lower.contains(&super::names::lowercase(username)) {
        return Err(FieldError::new(
            "password",
            "The password must not contain the username.",
        ));
    }
    Ok(())
}

/// Checks a display name; empty means "show the username".
pub fn validate_display_name(raw: &str) -> Result<Option<String>, FieldError> {
    let name = super::names::name("display_name", raw, 0, DISPLAY_NAME_MAX)?;
    Ok((!name.is_empty()).then_some(name))
}

/// Checks a highlight colour against the eight presets and returns it upper-cased.
pub fn validate_highlight_colour(raw: &str) -> Result<String, FieldError> {
    let colour = raw.trim().to_ascii_uppercase();
    HIGHLIGHT_COLOURS
        .iter()
        .find(|(hex, _)| *hex == colour)
        .map(|(hex, _)| hex.to_string())
        .ok_or_else(|| {
            FieldError::new(
                "highlight_colour",
                "Choose one of the eight tail-light colours.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(validate_username(" ann_1-x ").unwrap(), "ann_1-x");
        assert!(validate_username("ab").is_err());
        assert!(validate_username(&"a".repeat(33)).is_err());
        assert!(validate_username(&"a".repeat(32)).is_ok());
        assert!(validate_username("has space").is_err());
        assert!(validate_username("émile").is_err());
        assert_eq!(validate_username("a.b").unwrap_err().field, "username");
    }

    #[test]
    fn emails() {
        assert_eq!(
            validate_email(" Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(validate_optional_email("  ").unwrap(), None);
        assert!(validate_optional_email("nope").is_err());
    }

    #[test]
    fn passwords() {
        assert!(validate_password("correct horse", "ann").is_ok());
        assert_eq!(
            validate_password("short", "ann").unwrap_err().field,
            "password"
        );
        assert!(validate_password("Password123", "ann").is_err());
        assert!(validate_password("annannann-2024", "Ann").is_err());
        assert!(validate_password(&"x".repeat(257), "ann").is_err());
        assert!(validate_password(&"x".repeat(256), "ann").is_ok());
    }

    #[test]
    fn countries_and_colours() {
        assert_eq!(validate_country("gb").unwrap(), "GB");
        assert!(validate_country("Sweden").is_err());
        assert_eq!(validate_highlight_colour("#ff8200").unwrap(), "#FF8200");
        assert!(validate_highlight_colour("#123456").is_err());
    }

    #[test]
    fn display_names() {
        assert_eq!(validate_display_name("  ").unwrap(), None);
        assert_eq!(
            validate_display_name(" Ann ").unwrap().as_deref(),
            Some("Ann")
        );
        assert!(validate_display_name("a\tb").is_err());
        assert!(validate_display_name(&"x".repeat(41)).is_err());
    }
}
