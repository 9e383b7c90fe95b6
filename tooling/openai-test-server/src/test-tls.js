/**
 * A throwaway certificate and key for the test server's TLS mode: self-signed, for 127.0.0.1 and
 * localhost, valid 2000 to 2100. Made for these tests with OpenSSL; nothing trusts it unless a
 * test passes `testTls.cert` as a certificate authority. Never use it outside tests.
 */
export const testTls = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguJbFsmW8nGZon1yA
pfia2sOGKQRgdfTvca21hhQAKQOhRANCAARQnZND22HifHUPzQsB6uTNBnfH6feq
zPSNxKVJCSDCvq9+ssxf5Wm/Lz/BHiHQIXeSsqdoxYatcrP/2rVXMTzL
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBdDCCARmgAwIBAgIBATAKBggqhkjOPQQDAjAdMRswGQYDVQQDDBJjb2Rlcm0g
dGVzdCBzZXJ2ZXIwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMB0x
GzAZBgNVBAMMEmNvZGVybSB0ZXN0IHNlcnZlcjBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABFCdk0PbYeJ8dQ/NCwHq5M0Gd8fp96rM9I3EpUkJIMK+r36yzF/lab8v
P8EeIdAhd5Kyp2jFhq1ys//atVcxPMujSDBGMBoGA1UdEQQTMBGHBH8AAAGCCWxv
Y2FsaG9zdDAJBgNVHRMEAjAAMB0GA1UdDgQWBBT8b6TxjW0zD3tHayvkym7ZTryP
0DAKBggqhkjOPQQDAgNJADBGAiEAjAxGQ46mI3GKuGKkrj0wWixtSvgV0a39PYhl
l4/+WgoCIQCztz4hMC0avjW/Sa7FLmZ2iqpCDonRhtdz5mV6rV84pw==
-----END CERTIFICATE-----
`,
};
