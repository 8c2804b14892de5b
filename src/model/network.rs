//! What Azure says about a Cosmos DB account's network settings, independent of any input
//! format: IP rule entries (single IPv4 addresses or CIDR ranges), the `0.0.0.0` entry that
//! stands for "accept connections from within public Azure datacenters", and whether a set
//! of ranges lets in every public IPv4 address.
//!
//! Sources: "Configure IP firewall in Azure Cosmos DB" (`ipRules`, the comma-separated
//! `ipRangeFilter` of API versions before 2020-04-01, `0.0.0.0`); the `IpAddressOrRange`
//! type of the resource provider's API ("a single IPv4 address or a single IPv4 address
//! range in CIDR format"; private ranges are refused).

use crate::eval::{PStr, Piece};

/// One entry of a comma-separated IP list (`ipRangeFilter`, azurerm 3.x `ip_range_filter`):
/// its text when every piece of it is known, and where it lies in the string (byte range of
/// the trimmed entry) when the whole string is literal.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub text: Option<String>,
    pub range: Option<std::ops::Range<usize>>,
}

/// Splits a comma-separated list into its entries; empty entries (`"a,,b"`, `""`) are not
/// entries. A piece that is not known makes its entry unknown, not the others.
pub fn split_list(s: &PStr) -> Vec<Entry> {
    if let Some(lit) = s.as_lit() {
        let mut out = Vec::new();
        let mut start = 0;
        for part in lit.split(',') {
            let lead = part.len() - part.trim_start().len();
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let from = start + lead;
                out.push(Entry {
                    text: Some(trimmed.to_string()),
                    range: Some(from..from + trimmed.len()),
                });
            }
            start += part.len() + 1;
        }
        return out;
    }
    // Partially known: walk the pieces, an entry is unknown once a hole is in it.
    let mut out = Vec::new();
    let mut text = String::new();
    let mut known = true;
    let mut any = false;
    let mut flush = |text: &mut String, known: &mut bool, any: &mut bool| {
        let t = text.trim();
        if !*known {
            out.push(Entry {
                text: None,
                range: None,
            });
        } else if !t.is_empty() {
            out.push(Entry {
                text: Some(t.to_string()),
                range: None,
            });
        }
        text.clear();
        *known = true;
        *any = false;
    };
    for p in &s.0 {
        match p {
            Piece::Lit(l) => {
                let mut parts = l.split(',').peekable();
                while let Some(part) = parts.next() {
                    text.push_str(part);
                    any |= !part.trim().is_empty();
                    if parts.peek().is_some() {
                        flush(&mut text, &mut known, &mut any);
                    }
                }
            }
            Piece::Sym(_) | Piece::Unknown => {
                known = false;
                any = true;
            }
        }
    }
    if any || !known {
        flush(&mut text, &mut known, &mut any);
    }
    out
}

/// The inclusive range of IPv4 addresses an entry allows: `a.b.c.d` or `a.b.c.d/n` (host
/// bits are ignored, as the network is what the prefix names). `None` for anything else
/// (IPv6, a name, a typo): such an entry allows no address this module can count.
pub fn ipv4_range(entry: &str) -> Option<(u32, u32)> {
    let entry = entry.trim();
    let (addr, prefix) = match entry.split_once('/') {
        Some((a, p)) => {
            if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let p: u32 = p.parse().ok()?;
            if p > 32 {
                return None;
            }
            (a, p)
        }
        None => (entry, 32),
    };
    let addr: std::net::Ipv4Addr = addr.parse().ok()?;
    let addr = u32::from(addr);
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    let start = addr & mask;
    Some((start, start | !mask))
}

/// Whether an entry is the special `0.0.0.0`: "Accept connections from within public Azure
/// datacenters", which lets in every Azure customer's workloads, not the account owner's
/// only. `0.0.0.0/32` names the same single address and can mean nothing else.
pub fn is_azure_datacenters(entry: &str) -> bool {
    matches!(entry.trim(), "0.0.0.0" | "0.0.0.0/32")
}

/// Ranges that are never the public source address of a request to the account's public
/// endpoint: "this network" 0/8, the private ranges Azure refuses in IP rules (10/8,
/// 100.64/10, 172.16/12, 192.168/16), loopback 127/8, link-local 169.254/16, and
/// 224.0.0.0/3 (multicast, reserved, broadcast). Entries need not cover them for the
/// account to be open to the whole internet.
const NOT_PUBLIC: &[(u32, u32)] = &[
    (0x0000_0000, 0x00FF_FFFF),
    (0x0A00_0000, 0x0AFF_FFFF),
    (0x6440_0000, 0x647F_FFFF),
    (0x7F00_0000, 0x7FFF_FFFF),
    (0xA9FE_0000, 0xA9FE_FFFF),
    (0xAC10_0000, 0xAC1F_FFFF),
    (0xC0A8_0000, 0xC0A8_FFFF),
    (0xE000_0000, 0xFFFF_FFFF),
];

/// When `ranges` together allow every public IPv4 address: the indices (into `ranges`) of
/// entries that do it, fewest first found by a greedy sweep, in address order. `None`
/// otherwise. Linear after sorting, whatever the number of entries.
pub fn covers_public_ipv4(ranges: &[(usize, (u32, u32))]) -> Option<Vec<usize>> {
    // (start, end, entry) with `None` for the ranges that need no covering.
    let mut all: Vec<(u64, u64, Option<usize>)> = ranges
        .iter()
        .map(|&(i, (s, e))| (u64::from(s), u64::from(e), Some(i)))
        .chain(NOT_PUBLIC.iter().map(|&(s, e)| (u64::from(s), u64::from(e), None)))
        .collect();
    all.sort_by_key(|&(s, e, i)| (s, std::cmp::Reverse(e), i.is_none()));
    let mut covered_to: u64 = 0; // everything below is covered
    let mut used = Vec::new();
    let mut k = 0;
    while covered_to <= u64::from(u32::MAX) {
        // Of the ranges starting at or below the first uncovered address, the one reaching
        // furthest (a not-public range wins a tie: it costs no entry).
        let mut best: Option<(u64, Option<usize>)> = None;
        while k < all.len() && all[k].0 <= covered_to {
            let (_, e, i) = all[k];
            let better = match best {
                None => true,
                Some((be, bi)) => e > be || (e == be && bi.is_some() && i.is_none()),
            };
            if better {
                best = Some((e, i));
            }
            k += 1;
        }
        let (end, entry) = best?;
        if end < covered_to {
            return None;
        }
        if let Some(i) = entry {
            used.push(i);
        }
        covered_to = end + 1;
    }
    (!used.is_empty()).then_some(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &PStr) -> Vec<Option<String>> {
        split_list(s).into_iter().map(|e| e.text).collect()
    }

    #[test]
    fn comma_lists_split_into_trimmed_entries_with_ranges() {
        let s = PStr::lit("1.2.3.4, 0.0.0.0,,10.0.0.0/8 ");
        let e = split_list(&s);
        assert_eq!(e.len(), 3);
        assert_eq!(e[1].text.as_deref(), Some("0.0.0.0"));
        assert_eq!(e[1].range, Some(9..16));
        assert_eq!(
            &"1.2.3.4, 0.0.0.0,,10.0.0.0/8 "[e[2].range.clone().unwrap()],
            "10.0.0.0/8"
        );
        assert!(split_list(&PStr::lit("")).is_empty());
        assert!(split_list(&PStr::lit(" , ")).is_empty());
    }

    #[test]
    fn unknown_pieces_make_only_their_entry_unknown() {
        let s = PStr(vec![
            Piece::Lit("1.1.1.1,".into()),
            Piece::Unknown,
            Piece::Lit(",0.0.0.0".into()),
        ]);
        assert_eq!(texts(&s), [Some("1.1.1.1".into()), None, Some("0.0.0.0".into())]);
        assert_eq!(texts(&PStr::unknown()), [None]);
        let joined = PStr(vec![Piece::Unknown, Piece::Lit("/24".into())]);
        assert_eq!(texts(&joined), [None]);
    }

    #[test]
    fn ipv4_ranges() {
        assert_eq!(ipv4_range("0.0.0.0/0"), Some((0, u32::MAX)));
        assert_eq!(ipv4_range("1.2.3.4"), Some((0x0102_0304, 0x0102_0304)));
        assert_eq!(ipv4_range("10.1.2.3/8"), Some((0x0A00_0000, 0x0AFF_FFFF)));
        for bad in ["", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "::/0", "1.2.3.4/+1", "a.b.c.d"] {
            assert_eq!(ipv4_range(bad), None, "{bad}");
        }
        assert!(is_azure_datacenters(" 0.0.0.0"));
        assert!(!is_azure_datacenters("0.0.0.0/0"));
    }

    fn cover(entries: &[&str]) -> Option<Vec<usize>> {
        let ranges: Vec<(usize, (u32, u32))> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, ipv4_range(e)?)))
            .collect();
        covers_public_ipv4(&ranges)
    }

    #[test]
    fn coverage_of_the_public_internet() {
        assert_eq!(cover(&["0.0.0.0/0"]), Some(vec![0]));
        assert_eq!(cover(&["1.2.3.4", "128.0.0.0/1", "0.0.0.0/1"]), Some(vec![2, 1]));
        // Halves minus the private ranges still reach everyone on the internet.
        assert_eq!(cover(&["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/7"]), None);
        let public: Vec<String> = (1..=223u32)
            .filter(|o| ![10, 127].contains(o))
            .map(|o| format!("{o}.0.0.0/8"))
            .collect();
        let refs: Vec<&str> = public.iter().map(String::as_str).collect();
        assert_eq!(cover(&refs).map(|u| u.len()), Some(refs.len()));
        // One /8 missing: not everyone.
        assert_eq!(cover(&refs[1..]), None);
        assert_eq!(cover(&["0.0.0.0"]), None);
        assert_eq!(cover(&[]), None);
        assert_eq!(cover(&["255.255.255.255/32", "0.0.0.0/1"]), None);
    }
}
