//! A package on disk: `package.json` and its minisign signature
//! `package.json.minisig` in a tar, the tar encrypted with age to the
//! recipient's X25519 key. Signed, then encrypted: only the recipient can
//! read it, and it can tell who wrote it and that nothing was changed.
//!
//! Opening checks, in order, each with its own message: the file's size,
//! that it is for the recipient's key (and intact: age authenticates every
//! chunk), the tar's two entries and their sizes, the signature against
//! the sender's trusted key, and the JSON's shape.
#![allow(deprecated)] // X25519 for Debian's age: see `keys`

use super::content::{Package, FORMAT};
use super::keys::{key_id, PublicKeys, SecretKeys};
use crate::error::{Error, Result};
use std::io::{Cursor, Read};
use std::path::Path;

/// Largest package read (bytes): far above a border's posts and units.
pub const MAX_PACKAGE: u64 = 64 * 1024 * 1024;
/// Largest signature file in a package.
const MAX_SIGNATURE: u64 = 4096;
const JSON_NAME: &str = "package.json";
const SIG_NAME: &str = "package.json.minisig";

/// Sign and encrypt `p` for `to`; returns the file's bytes and the
/// BLAKE3 of the signed `package.json`.
pub fn seal(p: &Package, keys: &SecretKeys, to: &PublicKeys) -> Result<(Vec<u8>, String)> {
    let enc = |what: &str, e: String| Error::encode(what, e);
    let json = serde_json::to_vec_pretty(p).map_err(|e| enc("package.json", e.to_string()))?;
    let m = &p.manifest;
    let trusted = format!(
        "borderwatch package {} to {} #{} border {} written {}",
        m.from, m.to, m.sequence, m.border_fingerprint, m.written_utc
    );
    let pk = keys.public.verifier().map_err(|e| enc("signature", e))?;
    let sig = minisign::sign(
        Some(&pk),
        &keys.signing,
        Cursor::new(&json),
        Some(&trusted),
        Some(&format!(
            "signed by {} (minisign key id {}); check: minisign -V -m package.json -p {}.minisign.pub",
            m.from,
            key_id(pk.keynum()),
            m.from
        )),
    )
    .map_err(|e| enc("signature", e.to_string()))?
    .into_string();
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in [(JSON_NAME, json.as_slice()), (SIG_NAME, sig.as_bytes())] {
        let mut h = tar::Header::new_ustar();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, name, bytes)
            .map_err(|e| enc("package tar", e.to_string()))?;
    }
    let tar = tar
        .into_inner()
        .map_err(|e| enc("package tar", e.to_string()))?;
    let recipient = to.recipient().map_err(|e| enc("recipient", e))?;
    let sealed = age::encrypt(&recipient, &tar).map_err(|e| enc("age", e.to_string()))?;
    Ok((sealed, blake3::hash(&json).to_hex().to_string()))
}

/// An opened, verified package.
pub struct Opened {
    pub package: Package,
    /// BLAKE3 of the signed `package.json`.
    pub blake3: String,
}

/// Decrypt `file` with the recipient's keys and verify it against the
/// sender's trusted public keys.
pub fn open(file: &Path, keys: &SecretKeys, trusted: &PublicKeys) -> Result<Opened> {
    let len = std::fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .len();
    if len > MAX_PACKAGE {
        return Err(Error::data(
            file,
            format!("{len} bytes, over the limit of {MAX_PACKAGE} for a package"),
        ));
    }
    let sealed = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let tar = age::decrypt(&keys.identity, &sealed).map_err(|e| decrypt_error(file, keys, e))?;
    let (json, sig) = entries(file, &tar)?;
    let sig_text =
        String::from_utf8(sig).map_err(|_| Error::data(file, format!("{SIG_NAME} is not text")))?;
    let sig = minisign::SignatureBox::from_string(&sig_text).map_err(|e| {
        Error::data(
            file,
            format!("{SIG_NAME} is not a minisign signature ({e})"),
        )
    })?;
    let pk = trusted
        .verifier()
        .map_err(|e| Error::Usage(format!("the trusted key: {e}")))?;
    if sig.keynum() != pk.keynum() {
        return Err(Error::data(
            file,
            format!(
                "signed by an unknown key (minisign key id {}), not by {}'s trusted key (key id {})",
                key_id(sig.keynum()),
                trusted.state,
                key_id(pk.keynum())
            ),
        ));
    }
    minisign::verify(&pk, &sig, Cursor::new(&json), true, false, false).map_err(|e| {
        Error::data(
            file,
            format!(
                "{}'s signature does not match the content: the package was altered ({e})",
                trusted.state
            ),
        )
    })?;
    let de = &mut serde_json::Deserializer::from_slice(&json);
    let package: Package = serde_path_to_error::deserialize(de)
        .map_err(|e| Error::data(file, format!("{JSON_NAME}: `{}`: {}", e.path(), e.inner())))?;
    if package.format != FORMAT {
        return Err(Error::data(
            file,
            format!(
                "{JSON_NAME}: format {:?}, expected {FORMAT:?}",
                package.format
            ),
        ));
    }
    Ok(Opened {
        package,
        blake3: blake3::hash(&json).to_hex().to_string(),
    })
}

fn decrypt_error(file: &Path, keys: &SecretKeys, e: age::DecryptError) -> Error {
    let msg = match e {
        age::DecryptError::NoMatchingKeys => format!(
            "not encrypted to {}'s key: this package is for another recipient",
            keys.public.state
        ),
        age::DecryptError::DecryptionFailed | age::DecryptError::InvalidMac => {
            "damaged or altered on the way (its authentication failed); ask for it again".into()
        }
        age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "truncated (it ends before its content does); ask for it again".into()
        }
        age::DecryptError::Io(_) => {
            "damaged or altered on the way (a chunk failed its authentication); ask for it again"
                .into()
        }
        age::DecryptError::InvalidHeader => {
            "not an age-encrypted package (its header is not age's)".into()
        }
        e => format!("cannot be decrypted: {e}"),
    };
    Error::data(file, msg)
}

/// The tar's two entries, each bounded, nothing else accepted.
fn entries(file: &Path, tar_bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let bad = |m: String| Error::data(file, m);
    let mut ar = tar::Archive::new(Cursor::new(tar_bytes));
    let (mut json, mut sig) = (None, None);
    let list = ar
        .entries()
        .map_err(|e| bad(format!("the decrypted content is not a tar ({e})")))?;
    for entry in list {
        let mut entry = entry.map_err(|e| bad(format!("a damaged tar entry ({e})")))?;
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().to_string())
            .unwrap_or_default();
        let (slot, max) = match name.as_str() {
            JSON_NAME => (&mut json, MAX_PACKAGE),
            SIG_NAME => (&mut sig, MAX_SIGNATURE),
            other => {
                return Err(bad(format!(
                    "unexpected entry {other:?}; a package holds only {JSON_NAME} and {SIG_NAME}"
                )))
            }
        };
        if entry.header().entry_type() != tar::EntryType::Regular || entry.size() > max {
            return Err(bad(format!("{name}: not a regular file under {max} bytes")));
        }
        if slot.is_some() {
            return Err(bad(format!("{name} twice")));
        }
        let mut buf = Vec::with_capacity(entry.size() as usize);
        entry
            .by_ref()
            .take(max)
            .read_to_end(&mut buf)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        *slot = Some(buf);
    }
    match (json, sig) {
        (Some(j), Some(s)) => Ok((j, s)),
        (None, _) => Err(bad(format!("no {JSON_NAME} in the package"))),
        (_, None) => Err(bad(format!(
            "no signature ({SIG_NAME}): an unsigned package is refused"
        ))),
    }
}
