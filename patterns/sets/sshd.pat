# sshd: client addresses in OpenSSH's sshd messages (auth.log, secure,
# journal). The client is "src"; the local address, where a message has
# one, is "dst". Addresses may be IPv4, IPv6 or IPv4-mapped
# (::ffff:192.0.2.1, reported as IPv4).
#
# The user name in these messages is chosen by the client and may itself
# hold " from 192.0.2.1 port 22". Patterns with a user name in front of
# the address reach the address through a greedy ".*", so the match takes
# the last "ADDR port N" of the line, which sshd always writes itself.
# The (*COMMIT) before such a ".*" ends the search at the first failed
# start: a later start could only find what that ".*" already tried, and
# without it a hostile line would cost time quadratic in its length.
#
# Each pattern matches the message text wherever the syslog or journal
# prefix leaves it. Not covered, on purpose: "Server listening on ADDR"
# (a local socket, not a client).

# Failed password for root from 203.0.113.45 port 50022 ssh2
# Failed password for invalid user admin from 198.51.100.7 port 4242 ssh2
# Failed publickey for git from 2001:db8::9 port 22 ssh2: RSA SHA256:...
# Failed keyboard-interactive/pam for invalid user x from ADDR port N ssh2
# Failed none for invalid user x from ADDR port N ssh2
Failed (?:password|publickey|keyboard-interactive(?:/pam)?|none|hostbased|gssapi-with-mic) for (*COMMIT).* from (?<src>\S+) port \d+

# Accepted password for deploy from 192.0.2.7 port 40022 ssh2
# Accepted publickey for deploy from 2001:db8::7 port 40022 ssh2: ED25519 SHA256:...
Accepted (?:password|publickey|keyboard-interactive(?:/pam)?|hostbased|gssapi-with-mic) for (*COMMIT).* from (?<src>\S+) port \d+

# Invalid user oracle from 198.51.100.23 port 41902
# Invalid user oracle from 198.51.100.23           (older sshd: no port)
Invalid user (*COMMIT).* from (?<src>\S+)(?: port \d+|\s*$)

# Connection closed by 192.0.2.1 port 22 [preauth]
# Connection closed by authenticating user root 192.0.2.1 port 22 [preauth]
# Connection closed by invalid user admin 192.0.2.1 port 22 [preauth]
Connection closed by (?:(?:authenticating|invalid) user (*COMMIT).* )?(?<src>\S+) port \d+
# Connection closed by 192.0.2.1 [preauth]         (older sshd: no port)
Connection closed by (?<src>[^\s\[]+)(?: \[preauth\])?\s*$

# Connection reset by 192.0.2.1 port 22 [preauth]
# Connection reset by authenticating user root 192.0.2.1 port 22 [preauth]
# Connection reset by invalid user admin 192.0.2.1 port 22 [preauth]
Connection reset by (?:(?:authenticating|invalid) user (*COMMIT).* )?(?<src>\S+) port \d+

# Disconnected from 192.0.2.1 port 22 [preauth]
# Disconnected from user root 192.0.2.1 port 22
# Disconnected from authenticating user root 192.0.2.1 port 22 [preauth]
# Disconnected from invalid user admin 192.0.2.1 port 22 [preauth]
Disconnected from (?:(?:authenticating |invalid )?user (*COMMIT).* )?(?<src>\S+) port \d+

# Disconnecting authenticating user root 192.0.2.1 port 22: Too many authentication failures [preauth]
# Disconnecting invalid user admin 192.0.2.1 port 22: Too many authentication failures [preauth]
Disconnecting (?:authenticating |invalid )?user (*COMMIT).* (?<src>\S+) port \d+:

# Received disconnect from 192.0.2.1 port 22:11: Bye Bye [preauth]
# Received disconnect from 192.0.2.1: 11: Bye Bye [preauth]   (older sshd)
Received disconnect from (?<src>\S+?)(?: port \d+:|: )

# error: maximum authentication attempts exceeded for root from 192.0.2.1 port 22 ssh2 [preauth]
# error: maximum authentication attempts exceeded for invalid user x from 192.0.2.1 port 22 ssh2 [preauth]
maximum authentication attempts exceeded for (*COMMIT).* from (?<src>\S+) port \d+

# reverse mapping checking getaddrinfo for host.example.com [192.0.2.1] failed - POSSIBLE BREAK-IN ATTEMPT!
reverse mapping checking getaddrinfo for \S* \[(?<src>[^\]\s]+)\] failed

# Address 192.0.2.1 maps to host.example.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!
Address (?<src>\S+) maps to \S*, but this does not map back to the address

# drop connection #3 from [192.0.2.1]:50000 on [192.0.2.2]:22 past MaxStartups
drop connection #\d+ from \[(?<src>[^\]\s]+)\]:\d+ on \[(?<dst>[^\]\s]+)\]:\d+ past MaxStartups

# Connection from 192.0.2.1 port 50000 on 192.0.2.2 port 22 rdomain ""   (LogLevel VERBOSE)
Connection from (?<src>\S+) port \d+ on (?<dst>\S+) port \d+

# Did not receive identification string from 192.0.2.1 port 50000
# Did not receive identification string from 192.0.2.1          (older sshd)
Did not receive identification string from (?<src>\S+)(?: port \d+|\s*$)

# Unable to negotiate with 192.0.2.1 port 50000: no matching key exchange method found. ...
Unable to negotiate with (?<src>\S+) port \d+

# banner exchange: Connection from 192.0.2.1 port 50000: invalid format
banner exchange: Connection from (?<src>\S+) port \d+

# Timeout before authentication for 192.0.2.1 port 50000
Timeout before authentication for (?<src>\S+) port \d+
