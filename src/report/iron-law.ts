/** The guide's Iron Law: every comment cites it, because every rule is a consequence of it. */
export const IRON_LAW = "GENSERVER IS A BOTTLENECK BY DESIGN";

export const SEVERITY_ICON = { error: "🛑", warning: "⚠️", info: "ℹ️" } as const;
