//! A CronJob's schedule, as kube reads it with robfig/cron/v3's `ParseStandard`: five
//! fields (minute, hour, day of month, month, day of week) of numbers, names (`jan`,
//! `mon`), `*`/`?`, ranges, lists and steps, or a descriptor (`@yearly`/`@annually`,
//! `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`, `@every DURATION`), with the
//! parser's error messages; the next activation after an instant; and the time zones
//! Podlab knows without a time zone database (UTC and the fixed `Etc/GMT±N` zones).
//!
//! Instants here are Unix seconds.

/// Why a schedule or a time zone was refused: the message the API server shows after
/// the field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CronError(pub String);

impl std::fmt::Display for CronError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CronError {}

/// robfig's marker for a field given as `*` or `?` (day matching depends on it).
const STAR: u64 = 1 << 63;

/// A parsed schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// One bit per allowed value of each field (robfig's SpecSchedule).
    Spec {
        minute: u64,
        hour: u64,
        dom: u64,
        month: u64,
        dow: u64,
    },
    /// `@every DURATION`: a constant delay, in whole seconds (at least one).
    Every(i64),
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// Bits `min..=max` stepping by `step`.
fn bits(min: u32, max: u32, step: u32) -> u64 {
    (min..=max)
        .step_by(step as usize)
        .fold(0, |acc, i| acc | (1u64 << i))
}

/// Go's `strconv.Atoi` for a field value, with robfig's wording.
fn must_parse_int(expr: &str) -> Result<u32, String> {
    let fail = || {
        let reason = if expr.is_empty()
            || !expr
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            || expr.trim_start_matches(['+', '-']).is_empty()
        {
            "invalid syntax"
        } else {
            "value out of range"
        };
        format!("failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: {reason}")
    };
    let n: i64 = expr.parse().map_err(|_| fail())?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    u32::try_from(n).map_err(|_| fail())
}

fn int_or_name(expr: &str, b: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    match b.names.iter().find(|(n, _)| *n == lower) {
        Some((_, v)) => Ok(*v),
        None => must_parse_int(expr),
    }
}

/// robfig's `getRange`: `*`, `N`, `N-M`, each with an optional `/STEP`.
fn range(expr: &str, b: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let (start, mut end, mut extra);
    if low_high[0] == "*" || low_high[0] == "?" {
        (start, end, extra) = (b.min, b.max, STAR);
    } else {
        start = int_or_name(low_high[0], b)?;
        end = match low_high.len() {
            1 => start,
            2 => int_or_name(low_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = must_parse_int(range_and_step[1])?;
            if single {
                end = b.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(bits(start, end, step) | extra)
}

/// A comma-separated list of ranges.
fn field(text: &str, b: &Bounds) -> Result<u64, String> {
    text.split(',')
        .filter(|r| !r.is_empty())
        .try_fold(0, |acc, r| Ok(acc | range(r, b)?))
}

/// `cron.ParseStandard`: the schedule, or the parser's error message (what the API
/// server puts after `spec.schedule: Invalid value: "...": `).
pub(crate) fn parse(spec: &str) -> Result<Schedule, CronError> {
    parse_spec(spec).map_err(CronError)
}

fn parse_spec(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    // `TZ=ZONE ` or `CRON_TZ=ZONE ` first: the API server refuses it afterwards.
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let (zone, rest) = spec.split_once(' ').unwrap_or((spec, ""));
        let zone = zone.split_once('=').map_or("", |(_, z)| z);
        if self::zone(zone).is_err() {
            return Err(format!(
                "provided bad location {zone}: unknown time zone {zone}"
            ));
        }
        spec = rest.trim();
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    Ok(Schedule::Spec {
        minute: field(fields[0], &MINUTES)?,
        hour: field(fields[1], &HOURS)?,
        dom: field(fields[2], &DOM)?,
        month: field(fields[3], &MONTHS)?,
        dow: field(fields[4], &DOW)?,
    })
}

fn descriptor(spec: &str) -> Result<Schedule, String> {
    let all = |b: &Bounds| bits(b.min, b.max, 1) | STAR;
    let at = |minute: u64, hour: u64, dom: u64, month: u64, dow: u64| Schedule::Spec {
        minute,
        hour,
        dom,
        month,
        dow,
    };
    Ok(match spec {
        "@yearly" | "@annually" => at(1, 1, 1 << 1, 1 << 1, all(&DOW)),
        "@monthly" => at(1, 1, 1 << 1, all(&MONTHS), all(&DOW)),
        "@weekly" => at(1, 1, all(&DOM), all(&MONTHS), 1),
        "@daily" | "@midnight" => at(1, 1, all(&DOM), all(&MONTHS), all(&DOW)),
        "@hourly" => at(1, all(&HOURS), all(&DOM), all(&MONTHS), all(&DOW)),
        _ => {
            let Some(text) = spec.strip_prefix("@every ") else {
                return Err(format!("unrecognized descriptor: {spec}"));
            };
            let fail = |why: &str| format!("failed to parse duration {spec}: time: {why} {text:?}");
            if text != "0" && text.parse::<u64>().is_ok() {
                return Err(fail("missing unit in duration"));
            }
            let ms = crate::clock::parse_duration(text).map_err(|_| fail("invalid duration"))?;
            // robfig's Every: whole seconds, at least one.
            Schedule::Every(i64::try_from(ms / 1000).unwrap_or(i64::MAX).max(1))
        }
    })
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Schedule {
    /// The first activation strictly after `t` (Unix seconds), with the wall clock
    /// `offset` seconds east of UTC; `None` if there is none within five years (robfig
    /// gives up there too: `0 0 30 2 *`).
    pub(crate) fn next(&self, t: i64, offset: i64) -> Option<i64> {
        let (minute, hour, dom, month, dow) = match *self {
            Schedule::Every(secs) => return Some(t.saturating_add(secs)),
            Schedule::Spec {
                minute,
                hour,
                dom,
                month,
                dow,
            } => (minute, hour, dom, month, dow),
        };
        let has = |set: u64, v: i64| set & (1u64 << v) != 0;
        let mut local = (t + offset).div_euclid(60) * 60 + 60;
        let limit = local + 5 * 366 * 86_400;
        while local < limit {
            let days = local.div_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            if !has(month, i64::from(m)) {
                local = if m == 12 {
                    days_from_civil(y + 1, 1, 1)
                } else {
                    days_from_civil(y, m + 1, 1)
                } * 86_400;
                continue;
            }
            // 1970-01-01 was a Thursday.
            let weekday = (days + 4).rem_euclid(7);
            let (dom_match, dow_match) = (has(dom, i64::from(d)), has(dow, weekday));
            let day = if dom & STAR != 0 || dow & STAR != 0 {
                dom_match && dow_match
            } else {
                dom_match || dow_match
            };
            if !day {
                local = (days + 1) * 86_400;
                continue;
            }
            let second_of_day = local.rem_euclid(86_400);
            let h = second_of_day / 3600;
            if !has(hour, h) {
                local = days * 86_400 + (h + 1) * 3600;
                continue;
            }
            if !has(minute, (second_of_day % 3600) / 60) {
                local += 60;
                continue;
            }
            return Some(local - offset);
        }
        None
    }
}

/// The time zones Podlab knows without a time zone database: `UTC` and its aliases,
/// and the fixed `Etc/GMT±N` zones (POSIX signs: `Etc/GMT+5` is five hours west).
/// The offset east of UTC in seconds, or the API server's message for the field.
pub(crate) fn zone_offset(name: &str) -> Result<i64, CronError> {
    zone(name).map_err(CronError)
}

fn zone(name: &str) -> Result<i64, String> {
    const UTC: &[&str] = &[
        "UTC",
        "UCT",
        "GMT",
        "GMT0",
        "GMT+0",
        "GMT-0",
        "Greenwich",
        "Universal",
        "Zulu",
        "Etc/UTC",
        "Etc/UCT",
        "Etc/GMT",
        "Etc/GMT0",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "Etc/Greenwich",
        "Etc/Universal",
        "Etc/Zulu",
    ];
    if UTC.contains(&name) {
        return Ok(0);
    }
    if let Some(rest) = name.strip_prefix("Etc/GMT") {
        let (sign, digits) = rest.split_at(rest.len().min(1));
        if let Ok(hours) = digits.parse::<i64>() {
            if !digits.starts_with('0') {
                match sign {
                    "+" if (1..=12).contains(&hours) => return Ok(-hours * 3600),
                    "-" if (1..=14).contains(&hours) => return Ok(hours * 3600),
                    _ => {}
                }
            }
        }
    }
    if name.eq_ignore_ascii_case("Local") {
        return Err(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        );
    }
    Err(format!(
        "unknown time zone {name} (Podlab has no time zone database: it supports UTC and the fixed Etc/GMT+N and Etc/GMT-N zones)"
    ))
}

/// An instant as Go's RFC 3339 in a zone `offset` seconds east (`Z` at offset 0).
pub(crate) fn rfc3339(t: i64, offset: i64) -> String {
    let local = t + offset;
    let days = local.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let s = local.rem_euclid(86_400);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let a = offset.abs();
        format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// Go's `time.RFC1123Z` in UTC (`Mon, 05 Jan 2026 09:01:00 +0000`), as the
/// MissSchedule event writes the missed time.
pub(crate) fn rfc1123z(t: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = t.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let s = t.rem_euclid(86_400);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-05T09:00:00Z, a Monday (Podlab's simulated time 0).
    const T0: i64 = 1_767_603_600;

    fn next(spec: &str, from: i64) -> Option<String> {
        parse(spec).ok()?.next(from, 0).map(|t| rfc3339(t, 0))
    }

    #[test]
    fn schedules_and_their_next_activation() {
        let cases = [
            ("* * * * *", "2026-01-05T09:01:00Z"),
            ("*/5 * * * *", "2026-01-05T09:05:00Z"),
            ("0 * * * *", "2026-01-05T10:00:00Z"),
            ("30 9 * * *", "2026-01-05T09:30:00Z"),
            ("0 9 * * *", "2026-01-06T09:00:00Z"),
            ("0 0 * * 0", "2026-01-11T00:00:00Z"),
            ("0 0 * * sun", "2026-01-11T00:00:00Z"),
            ("0 0 1 * *", "2026-02-01T00:00:00Z"),
            ("0 0 1 jan *", "2027-01-01T00:00:00Z"),
            ("0 0 29 feb *", "2028-02-29T00:00:00Z"),
            ("15,45 9-10 * * 1-5", "2026-01-05T09:15:00Z"),
            ("0 12 13 * 5", "2026-01-09T12:00:00Z"),
            ("5/20 * * * *", "2026-01-05T09:05:00Z"),
            ("? * * * ?", "2026-01-05T09:01:00Z"),
            ("@hourly", "2026-01-05T10:00:00Z"),
            ("@daily", "2026-01-06T00:00:00Z"),
            ("@midnight", "2026-01-06T00:00:00Z"),
            ("@weekly", "2026-01-11T00:00:00Z"),
            ("@monthly", "2026-02-01T00:00:00Z"),
            ("@yearly", "2027-01-01T00:00:00Z"),
            ("@annually", "2027-01-01T00:00:00Z"),
            ("@every 90s", "2026-01-05T09:01:30Z"),
            ("@every 1h30m", "2026-01-05T10:30:00Z"),
        ];
        for (spec, want) in cases {
            assert_eq!(next(spec, T0).as_deref(), Some(want), "{spec}");
        }
        assert_eq!(next("0 0 30 2 *", T0), None);
        // Strictly after: a time on the schedule moves to the next one.
        assert_eq!(
            next("* * * * *", T0 + 60).as_deref(),
            Some("2026-01-05T09:02:00Z")
        );
    }

    #[test]
    fn parser_errors_read_like_robfig() {
        let cases = [
            ("", "empty spec string"),
            ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
            (
                "* * * * * *",
                "expected exactly 5 fields, found 6: [* * * * * *]",
            ),
            ("60 * * * *", "end of range (60) above maximum (59): 60"),
            ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
            (
                "5-1 * * * *",
                "beginning of range (5) beyond end of range (1): 5-1",
            ),
            (
                "*/0 * * * *",
                "step of range should be a positive number: */0",
            ),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("*/2/3 * * * *", "too many slashes: */2/3"),
            (
                "x * * * *",
                "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            ),
            ("* * * * 7", "end of range (7) above maximum (6): 7"),
            ("@often", "unrecognized descriptor: @often"),
            (
                "@every x",
                "failed to parse duration @every x: time: invalid duration \"x\"",
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(parse(spec), Err(CronError(want.to_string())), "{spec:?}");
        }
    }

    #[test]
    fn zones() {
        assert_eq!(zone_offset("UTC"), Ok(0));
        assert_eq!(zone_offset("Etc/UTC"), Ok(0));
        assert_eq!(zone_offset("Etc/GMT+5"), Ok(-5 * 3600));
        assert_eq!(zone_offset("Etc/GMT-14"), Ok(14 * 3600));
        assert!(zone_offset("Etc/GMT+13").is_err());
        assert!(zone_offset("Europe/Paris")
            .unwrap_err()
            .0
            .starts_with("unknown time zone Europe/Paris"));
        // T0 is 11:00 in Etc/GMT-2: 11:30 there is 09:30Z the same day, 09:30 there
        // the next day's.
        let at = |spec: &str| {
            parse(spec)
                .unwrap()
                .next(T0, 2 * 3600)
                .map(|t| (rfc3339(t, 2 * 3600), rfc3339(t, 0)))
        };
        assert_eq!(
            at("30 11 * * *"),
            Some((
                "2026-01-05T11:30:00+02:00".to_string(),
                "2026-01-05T09:30:00Z".to_string()
            ))
        );
        assert_eq!(
            at("30 9 * * *").map(|t| t.0),
            Some("2026-01-06T09:30:00+02:00".to_string())
        );
        assert_eq!(rfc1123z(T0), "Mon, 05 Jan 2026 09:00:00 +0000");
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }
}
