//! A State's keys for the exchange: an age X25519 identity (packages are
//! encrypted to it) and a minisign Ed25519 key pair (packages are signed
//! with it). The secret parts are protected by a passphrase, in the tools'
//! own formats, so a partner without borderwatch can use Debian's `age`
//! and `minisign` on the same files.
//!
//! The key folder of State AND holds:
//! - `AND.identity.age`: the age identity, itself age-encrypted with the
//!   passphrase (scrypt); `age -d -i AND.identity.age` asks for it;
//! - `AND.minisign.key`: the minisign secret key (scrypt, minisign's format);
//! - `AND.pub`: the public parts to hand to the neighbour (TOML);
//! - `AND.age.pub` (an `age -R` recipients file) and `AND.minisign.pub`
//!   (`minisign -p`): the same public parts for the standard tools.
//!
//! Classic X25519, not age's newer post-quantum hybrid: the partner's
//! `age` must read it, and Debian's (1.1.1) knows no post-quantum
//! recipient. Hence the `deprecated` allowed here and in `package`.
#![allow(deprecated)]

use crate::error::{Error, Result};
use crate::ids::StateId;
use age::secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Largest key file read (they are a few hundred bytes).
const MAX_KEY_FILE: u64 = 64 * 1024;

/// A State's public keys, as handed to the neighbour (`STATE.pub`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PublicKeys {
    pub state: StateId,
    /// `age1…`: packages for this State are encrypted to it.
    pub age_recipient: String,
    /// minisign's base64 public key (`RW…`): this State's signatures.
    pub minisign_public_key: String,
}

impl PublicKeys {
    /// Read `STATE.pub`, each key checked.
    pub fn read(path: &Path) -> Result<PublicKeys> {
        let text = crate::io::read_bounded(path, MAX_KEY_FILE)?;
        let k: PublicKeys = toml::from_str(&text).map_err(|e| {
            Error::data(
                path,
                format!("not a borderwatch public key file ({})", e.message()),
            )
        })?;
        k.recipient()
            .map_err(|m| Error::data(path, format!("`age_recipient`: {m}")))?;
        k.verifier()
            .map_err(|m| Error::data(path, format!("`minisign_public_key`: {m}")))?;
        Ok(k)
    }

    pub fn recipient(&self) -> std::result::Result<age::x25519::Recipient, String> {
        age::x25519::Recipient::from_str(self.age_recipient.trim())
            .map_err(|e| format!("not an age X25519 recipient ({e})"))
    }

    pub fn verifier(&self) -> std::result::Result<minisign::PublicKey, String> {
        minisign::PublicKey::from_base64(self.minisign_public_key.trim())
            .map_err(|e| format!("not a minisign public key ({e})"))
    }

    /// minisign's key id, as `minisign -V` prints it (16 hex digits).
    pub fn key_id(&self) -> String {
        self.verifier()
            .map(|k| key_id(k.keynum()))
            .unwrap_or_default()
    }

    /// The `STATE.pub` text.
    pub fn to_toml(&self) -> String {
        format!(
            "# borderwatch public keys of {st}: hand this file to the neighbouring State.\n\
             # It holds no secret. minisign key id {id}.\n{body}",
            st = self.state,
            id = self.key_id(),
            body = toml::to_string(self).unwrap_or_default()
        )
    }

    /// The minisign public key file (`minisign -p FILE`).
    pub fn minisign_file(&self) -> String {
        format!(
            "untrusted comment: minisign public key {} of {}\n{}\n",
            self.key_id(),
            self.state,
            self.minisign_public_key
        )
    }

    /// The age recipients file (`age -R FILE`).
    pub fn age_file(&self) -> String {
        format!(
            "# age recipient of {}\n{}\n",
            self.state, self.age_recipient
        )
    }
}

/// minisign's key id of a key number (little-endian, as the tool prints it).
pub fn key_id(keynum: &[u8]) -> String {
    let mut b = [0u8; 8];
    b.copy_from_slice(&keynum[..8.min(keynum.len())]);
    format!("{:016X}", u64::from_le_bytes(b))
}

/// A State's unlocked secret keys.
pub struct SecretKeys {
    pub public: PublicKeys,
    pub identity: age::x25519::Identity,
    pub signing: minisign::SecretKey,
}

/// The files of a State's keys in `dir`.
pub struct KeyFiles {
    pub identity: PathBuf,
    pub signing: PathBuf,
    pub public: PathBuf,
    pub age_public: PathBuf,
    pub minisign_public: PathBuf,
}

impl KeyFiles {
    pub fn of(dir: &Path, state: &StateId) -> Self {
        KeyFiles {
            identity: dir.join(format!("{state}.identity.age")),
            signing: dir.join(format!("{state}.minisign.key")),
            public: dir.join(format!("{state}.pub")),
            age_public: dir.join(format!("{state}.age.pub")),
            minisign_public: dir.join(format!("{state}.minisign.pub")),
        }
    }
    fn all(&self) -> [&PathBuf; 5] {
        [
            &self.identity,
            &self.signing,
            &self.public,
            &self.age_public,
            &self.minisign_public,
        ]
    }
}

/// Make a State's keys in `dir`; existing keys are never overwritten.
/// Returns the files written.
pub fn generate(dir: &Path, state: &StateId, passphrase: &str) -> Result<Vec<PathBuf>> {
    if passphrase.is_empty() {
        return Err(Error::Usage(
            "an empty passphrase would leave the secret keys unprotected".into(),
        ));
    }
    let files = KeyFiles::of(dir, state);
    if let Some(p) = files.all().into_iter().find(|p| p.exists()) {
        return Err(Error::Usage(format!(
            "{} already exists: keys are never overwritten (a lost key cannot \
             open what was sent to it); move the old ones away first",
            p.display()
        )));
    }
    let identity = age::x25519::Identity::generate();
    let signing = minisign::KeyPair::generate_encrypted_keypair(Some(passphrase.to_string()))
        .map_err(|e| Error::Encode {
            what: "minisign key pair".into(),
            message: e.to_string(),
        })?;
    let public = PublicKeys {
        state: state.clone(),
        age_recipient: identity.to_public().to_string(),
        minisign_public_key: signing.pk.to_base64(),
    };
    let identity_text = format!(
        "# age identity of {state}, made by borderwatch\n# public key: {}\n{}\n",
        public.age_recipient,
        identity.to_string().expose_secret()
    );
    let sealed = age::encrypt(
        &age::scrypt::Recipient::new(SecretString::from(passphrase.to_string())),
        identity_text.as_bytes(),
    )
    .map_err(|e| Error::Encode {
        what: "the age identity".into(),
        message: e.to_string(),
    })?;
    let sk = signing
        .sk
        .to_box(Some(&format!("minisign secret key of {state}")))
        .map_err(|e| Error::Encode {
            what: "the minisign secret key".into(),
            message: e.to_string(),
        })?
        .into_string();
    let (pub_toml, age_pub, mini_pub) =
        (public.to_toml(), public.age_file(), public.minisign_file());
    let out: [(&Path, &[u8]); 5] = [
        (&files.identity, &sealed),
        (&files.signing, sk.as_bytes()),
        (&files.public, pub_toml.as_bytes()),
        (&files.age_public, age_pub.as_bytes()),
        (&files.minisign_public, mini_pub.as_bytes()),
    ];
    crate::io::write_atomic_all(&out)?;
    #[cfg(unix)]
    for p in [&files.identity, &files.signing] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(p, e))?;
    }
    Ok(files.all().into_iter().cloned().collect())
}

/// The State whose keys are in `dir`: the one `*.identity.age` there.
pub fn state_in(dir: &Path) -> Result<StateId> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut found: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".identity.age"))
                .map(str::to_string)
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => super::state_code(one).ok_or_else(|| {
            Error::data(
                dir,
                format!("{one}.identity.age: {one} is not an ISO 3166 code"),
            )
        }),
        [] => Err(Error::data(
            dir,
            "no secret key here (STATE.identity.age); make one with `borderwatch keys new`",
        )),
        many => Err(Error::data(
            dir,
            format!(
                "keys of several States here ({}); keep one State's keys per folder",
                many.join(", ")
            ),
        )),
    }
}

/// Unlock a State's secret keys with the passphrase.
pub fn unlock(dir: &Path, state: &StateId, passphrase: &str) -> Result<SecretKeys> {
    let files = KeyFiles::of(dir, state);
    let public = PublicKeys::read(&files.public)?;
    if &public.state != state {
        return Err(Error::data(
            &files.public,
            format!("holds the keys of {}, not of {state}", public.state),
        ));
    }
    let sealed = read_small(&files.identity)?;
    let mut id = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    id.set_max_work_factor(22);
    let text = age::decrypt(&id, &sealed).map_err(|e| match e {
        age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
            Error::data(&files.identity, "wrong passphrase")
        }
        e => Error::data(&files.identity, format!("cannot be opened: {e}")),
    })?;
    let text = String::from_utf8(text)
        .map_err(|_| Error::data(&files.identity, "not an age identity (not text)"))?;
    let identity = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| age::x25519::Identity::from_str(l).ok())
        .ok_or_else(|| Error::data(&files.identity, "holds no age X25519 identity"))?;
    if identity.to_public().to_string() != public.age_recipient.trim() {
        return Err(Error::data(
            &files.identity,
            format!(
                "does not match the public key in {}",
                files.public.display()
            ),
        ));
    }
    let sk_text = String::from_utf8(read_small(&files.signing)?)
        .map_err(|_| Error::data(&files.signing, "not a minisign secret key (not text)"))?;
    let signing = minisign::SecretKeyBox::from_string(&sk_text)
        .and_then(|b| b.into_secret_key(Some(passphrase.to_string())))
        .map_err(|e| {
            Error::data(
                &files.signing,
                format!("cannot be opened (wrong passphrase or damaged key: {e})"),
            )
        })?;
    let pk = minisign::PublicKey::from_secret_key(&signing)
        .map_err(|e| Error::data(&files.signing, e.to_string()))?;
    if pk.to_base64() != public.minisign_public_key.trim() {
        return Err(Error::data(
            &files.signing,
            format!(
                "does not match the public key in {}",
                files.public.display()
            ),
        ));
    }
    Ok(SecretKeys {
        public,
        identity,
        signing,
    })
}

fn read_small(path: &Path) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_KEY_FILE {
        return Err(Error::data(path, "too large to be a key file"));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}
