/**
 * The HIPAA Security Rule paragraphs the pack cites, with the name 45 CFR Part 164 Subpart C gives
 * each (its Appendix A, "Security Standards: Matrix", and §§ 164.308, 164.310, 164.312; read
 * 2026-12-01). Every `hipaa` citation of a policy must be one of these: a spec holds them to it, and
 * the compliance matrix names them.
 */
export const HIPAA_SECURITY_RULE: Readonly<Record<string, string>> = {
    "164.308(a)(1)(ii)(A)": "Security management process: risk analysis",
    "164.308(a)(1)(ii)(B)": "Security management process: risk management",
    "164.308(a)(1)(ii)(D)": "Security management process: information system activity review",
    "164.308(a)(3)(i)": "Workforce security",
    "164.308(a)(3)(ii)(A)": "Workforce security: authorization and/or supervision",
    "164.308(a)(3)(ii)(B)": "Workforce security: workforce clearance procedure",
    "164.308(a)(4)(i)": "Information access management",
    "164.308(a)(4)(ii)(A)": "Information access management: isolating health care clearinghouse functions",
    "164.308(a)(4)(ii)(B)": "Information access management: access authorization",
    "164.308(a)(4)(ii)(C)": "Information access management: access establishment and modification",
    "164.308(a)(5)(ii)(A)": "Security awareness and training: security reminders",
    "164.308(a)(5)(ii)(B)": "Security awareness and training: protection from malicious software",
    "164.308(a)(5)(ii)(C)": "Security awareness and training: log-in monitoring",
    "164.308(a)(5)(ii)(D)": "Security awareness and training: password management",
    "164.308(a)(6)(ii)": "Security incident procedures: response and reporting",
    "164.308(a)(7)(i)": "Contingency plan",
    "164.308(a)(7)(ii)(A)": "Contingency plan: data backup plan",
    "164.308(a)(7)(ii)(B)": "Contingency plan: disaster recovery plan",
    "164.308(a)(7)(ii)(C)": "Contingency plan: emergency mode operation plan",
    "164.308(a)(8)": "Evaluation",
    "164.310(d)(2)(i)": "Device and media controls: disposal",
    "164.310(d)(2)(iv)": "Device and media controls: data backup and storage",
    "164.312(a)(1)": "Access control",
    "164.312(a)(2)(iv)": "Access control: encryption and decryption",
    "164.312(b)": "Audit controls",
    "164.312(c)(1)": "Integrity",
    "164.312(c)(2)": "Integrity: mechanism to authenticate electronic protected health information",
    "164.312(d)": "Person or entity authentication",
    "164.312(e)(1)": "Transmission security",
    "164.312(e)(2)(i)": "Transmission security: integrity controls",
    "164.312(e)(2)(ii)": "Transmission security: encryption",
};

/**
 * What a resource reachable from outside the platform's network defeats: workforce security, isolation
 * and access establishment (164.308(a)(3)(i), (a)(4)(ii)(A), (a)(4)(ii)(C)), access control
 * (164.312(a)(1)) and transmission security (164.312(e)(1)). The public-access rules cite all of them.
 */
export const PUBLIC_ACCESS_HIPAA: readonly string[] = ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"];
