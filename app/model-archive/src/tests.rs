//! The checker against good, broken and hostile archives.

use super::*;
use crate::samples::{self, archive, Entry, Kind, METADATA};

fn check_bytes(bytes: &[u8]) -> Result<ModelFacts, Problem> {
    check(bytes, &Limits::default())
}

#[test]
fn a_good_archive_gives_its_facts_and_md5s() {
    let model = samples::model_bytes(50_000);
    let bytes = archive(&[
        Entry::file("./model_metadata.json", METADATA),
        Entry::file("./agent/model.pb", model.clone()),
        Entry::file("agent/model.xml", "<xml/>"),
    ]);
    let facts = check_bytes(&bytes).expect("a good model");
    assert_eq!(facts.sensors, ["FRONT_FACING_CAMERA"]);
    assert_eq!(facts.action_space_type, "discrete");
    assert_eq!(facts.training_algorithm, "clipped_ppo");
    assert_eq!(
        facts.action_space,
        "5 actions: steering -30…30°, speed 0.5…1 m/s"
    );
    assert_eq!(facts.model_md5, hex(&Md5::digest(&model)));
    assert_eq!(facts.metadata_md5, hex(&Md5::digest(METADATA.as_bytes())));
    assert_eq!(facts.openvino_files, ["agent/model.xml"]);
}

#[test]
fn continuous_action_spaces_are_read() {
    let metadata = r#"{"action_space": {"steering_angle": {"high": 30.0, "low": -30.0},
        "speed": {"high": 4.0, "low": 1.1}}, "sensor": ["STEREO_CAMERAS", "LIDAR"],
        "training_algorithm": "sac", "action_space_type": "continuous"}"#;
    let bytes = archive(&[
        Entry::file("model_metadata.json", metadata),
        Entry::file("agent/model.pb", "graph"),
    ]);
    let facts = check_bytes(&bytes).expect("a continuous model");
    assert_eq!(
        facts.action_space,
        "continuous: steering -30…30°, speed 1.1…4 m/s"
    );
    assert_eq!(facts.sensors, ["STEREO_CAMERAS", "LIDAR"]);
    assert_eq!(facts.training_algorithm, "sac");
}

#[test]
fn missing_files_and_bad_metadata_are_named() {
    let no_model = archive(&[Entry::file("model_metadata.json", METADATA)]);
    assert_eq!(check_bytes(&no_model), Err(Problem::NoModel));
    let no_metadata = archive(&[Entry::file("agent/model.pb", "graph")]);
    assert_eq!(check_bytes(&no_metadata), Err(Problem::NoMetadata));
    // A car installs nothing from an archive with more than one .pb, wherever they lie.
    let two_models = archive(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "graph"),
        Entry::file("agent/old/model.pb", "older graph"),
    ]);
    assert_eq!(check_bytes(&two_models), Err(Problem::SeveralModels(2)));
    for (metadata, why) in [
        ("{not json", "it is not valid JSON"),
        ("[]", "it is not a JSON object"),
        (r#"{"sensor": []}"#, "it has no action_space"),
        (
            r#"{"action_space": [], "action_space_type": "discrete"}"#,
            "the action space is empty",
        ),
        (
            r#"{"action_space": [{"speed": 1}]}"#,
            "an action has no steering_angle",
        ),
        (
            r#"{"action_space": {}, "action_space_type": "warp"}"#,
            "unknown action_space_type \"warp\"",
        ),
    ] {
        let bytes = archive(&[
            Entry::file("model_metadata.json", metadata),
            Entry::file("agent/model.pb", "graph"),
        ]);
        assert_eq!(
            check_bytes(&bytes),
            Err(Problem::BadMetadata(why.into())),
            "{metadata}"
        );
    }
}

#[test]
fn hostile_entries_are_refused() {
    let with = |entry: Entry| {
        archive(&[
            Entry::file("model_metadata.json", METADATA),
            Entry::file("agent/model.pb", "graph"),
            entry,
        ])
    };
    assert_eq!(
        check_bytes(&with(Entry::file("/etc/passwd", "x"))),
        Err(Problem::UnsafePath("/etc/passwd".into()))
    );
    assert_eq!(
        check_bytes(&with(Entry::file("agent/../../escape", "x"))),
        Err(Problem::UnsafePath("agent/../../escape".into()))
    );
    assert_eq!(
        check_bytes(&with(Entry::other(
            "agent/link",
            Kind::Symlink,
            "/etc/shadow"
        ))),
        Err(Problem::Link("agent/link".into()))
    );
    assert_eq!(
        check_bytes(&with(Entry::other(
            "agent/hard",
            Kind::HardLink,
            "model_metadata.json"
        ))),
        Err(Problem::Link("agent/hard".into()))
    );
    assert_eq!(
        check_bytes(&with(Entry::other("agent/tty", Kind::CharDevice, ""))),
        Err(Problem::SpecialFile("agent/tty".into()))
    );
}

#[test]
fn too_many_entries_too_much_data_and_bombs_are_refused() {
    let mut many = vec![
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "graph"),
    ];
    many.extend((0..1_000).map(|i| Entry::file(&format!("extra/{i}"), "")));
    assert_eq!(
        check_bytes(&archive(&many)),
        Err(Problem::TooManyEntries(1_000))
    );

    // 20 MB of zeros compress about 1000:1.
    let bomb = archive(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", vec![0u8; 20 << 20]),
    ]);
    assert_eq!(check_bytes(&bomb), Err(Problem::RatioTooHigh(100)));

    let small_limit = Limits {
        max_unpacked_bytes: 2 << 20,
        ..Limits::default()
    };
    assert_eq!(
        check(samples::good(3 << 20).as_slice(), &small_limit),
        Err(Problem::TooLarge(2))
    );
}

#[test]
fn cut_off_and_damaged_streams_are_refused() {
    let good = samples::good(200_000);
    assert!(check_bytes(&good).is_ok());
    for cut in [10, good.len() / 2, good.len() - 4] {
        assert_eq!(
            check_bytes(&good[..cut]),
            Err(Problem::Unreadable),
            "cut at {cut}"
        );
    }
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    assert_eq!(check_bytes(&damaged), Err(Problem::Unreadable));
    assert_eq!(
        check_bytes(b"not an archive at all"),
        Err(Problem::Unreadable)
    );
    assert_eq!(
        check_bytes(&samples::tar(&[Entry::file("a", "b")])),
        Err(Problem::Unreadable),
        "a tar, not gzipped"
    );
}

#[test]
fn a_second_gzip_member_cannot_hide_entries() {
    // Member one: a good model without the end-of-archive marker; member two: a link.
    let mut first = samples::tar(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "graph"),
    ]);
    first.truncate(first.len() - 1024);
    let second = samples::tar(&[Entry::other("agent/evil", Kind::Symlink, "/etc/passwd")]);
    let mut bytes = samples::gzip(&first);
    bytes.extend(samples::gzip(&second));
    assert_eq!(check_bytes(&bytes), Err(Problem::Link("agent/evil".into())));
}

#[test]
fn nothing_may_follow_the_end_of_the_archive() {
    // A whole good archive, then a second gzip member holding a link (which `tar -i`
    // and Python's `ignore_zeros` would list).
    let mut bytes = samples::good(1024);
    bytes.extend(samples::archive(&[Entry::other(
        "agent/link2",
        Kind::Symlink,
        "/etc/shadow",
    )]));
    assert_eq!(check_bytes(&bytes), Err(Problem::DataAfterEnd));
    // Data after the end marker within the same member.
    let mut raw = samples::tar(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "graph"),
    ]);
    raw.extend_from_slice(b"hidden");
    assert_eq!(
        check_bytes(&samples::gzip(&raw)),
        Err(Problem::DataAfterEnd)
    );
    // Zero padding after the marker (as tar pads to its record size) is fine.
    let mut padded = samples::tar(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "graph"),
    ]);
    padded.resize(padded.len() + 8192, 0);
    assert!(check_bytes(&samples::gzip(&padded)).is_ok());
}

#[test]
fn huge_long_names_are_refused_before_they_fill_memory() {
    // A GNU long-name header of 1 MB of zeros (compresses about 1000:1 but is small).
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
    header.set_entry_type(tar::EntryType::GNULongName);
    header.set_size(1 << 20);
    header.set_cksum();
    let mut raw = samples::tar(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", samples::model_bytes(2 << 20)),
    ]);
    raw.truncate(raw.len() - 1024);
    raw.extend_from_slice(header.as_bytes());
    raw.extend(std::iter::repeat_n(b'a', 1 << 20));
    raw.extend(samples::tar(&[Entry::file("x", "y")]));
    assert_eq!(
        check_bytes(&samples::gzip(&raw)),
        Err(Problem::HeaderTooLong)
    );
}
