/**
 * The EKS Kubernetes versions this program deploys: when each leaves standard support, and the
 * managed add-on builds pinned for it. A version that has left standard support, or that has no
 * row here, is refused before anything is registered.
 *
 * Support dates: Amazon EKS Kubernetes release calendar,
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 * (1.33 and 1.34 rows), and for 1.35 https://endoflife.date/amazon-eks (EKS release late January
 * 2026, standard support to 2027-03-27), which agrees with the calendar's rule of 14 months.
 * Checked 2026-12-01. Dates are the first day (UTC) of extended support, when billing for it starts.
 *
 * Add-on builds: the EKS documentation publishes no `eksbuild` build per Kubernetes version for the
 * metrics server or the CloudWatch observability add-on (the community add-ons and add-on
 * compatibility pages send readers to `aws eks describe-addon-versions`; checked 2026-12-01), and
 * nothing here can call EKS. A pin is therefore either an exact build, read from
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`, or
 * EKS_DEFAULT_BUILD: the build EKS marks as default for that version, resolved once when the add-on
 * is created and kept in the stack's state, never re-resolved by a later `up`.
 */

/** Managed add-ons the cluster installs; EKS Auto Mode provides networking, DNS, storage and Pod Identity itself. */
export const MANAGED_ADDONS = ["metrics-server", "amazon-cloudwatch-observability"] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

/** Resolve the EKS default build once, at creation; see the module comment. */
export const EKS_DEFAULT_BUILD = "eks-default-at-creation";

export interface EksVersion {
    /** First day (YYYY-MM-DD, UTC) the version is in extended support; from then on it is refused. */
    readonly standardSupportEnds: string;
    /** The build of each managed add-on: an exact `vX.Y.Z-eksbuild.N`, or EKS_DEFAULT_BUILD. */
    readonly addons: Readonly<Record<ManagedAddon, string>>;
}

const EKS_DEFAULT_PINS: Readonly<Record<ManagedAddon, string>> = {
    "metrics-server": EKS_DEFAULT_BUILD,
    "amazon-cloudwatch-observability": EKS_DEFAULT_BUILD,
};

export const EKS_VERSIONS: Readonly<Record<string, EksVersion>> = {
    "1.33": { standardSupportEnds: "2026-07-29", addons: EKS_DEFAULT_PINS },
    "1.34": { standardSupportEnds: "2026-12-02", addons: EKS_DEFAULT_PINS },
    "1.35": { standardSupportEnds: "2027-03-27", addons: EKS_DEFAULT_PINS },
};

/** The default: the newest version in the table, in standard support until 2027-03-27. */
export const DEFAULT_EKS_VERSION = "1.35";

/** Why `version` cannot be deployed on `today`, or undefined when it can. */
export function eksVersionProblem(version: string, today: Date): string | undefined {
    const entry = EKS_VERSIONS[version];
    const known = Object.keys(EKS_VERSIONS).join(", ");
    if (!entry) {
        return `an EKS version with pinned add-on builds in stacks/eks-versions.ts (one of ${known}); add a row for ${version} first`;
    }
    const day = today.toISOString().slice(0, 10);
    if (day >= entry.standardSupportEnds) {
        const fallback = day < EKS_VERSIONS[DEFAULT_EKS_VERSION].standardSupportEnds
            ? `such as ${DEFAULT_EKS_VERSION}`
            : "(the table has none left: add the current version to stacks/eks-versions.ts)";
        return `an EKS version in standard support ${fallback}; ${version} left it on ${entry.standardSupportEnds}`;
    }
    return undefined;
}
