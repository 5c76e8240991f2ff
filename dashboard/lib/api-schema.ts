/**
 * Types of the collector's HTTP API, generated from docs/openapi.yaml by openapi-typescript.
 * Do not edit: change the spec, then run `npm run gen:api-types` (scripts/gen-api-types.ts).
 * collector/test/http/api-types.test.ts fails when this file is stale.
 * dashboard/lib/types.ts names the shapes the dashboard uses.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and store kind (never needs the API key) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The collector is up. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            /** @enum {string} */
                            store: "sqlite" | "elasticsearch";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Push channel of changes to instances and alerts (Server-Sent Events)
         * @description A `text/event-stream` that stays open until the client or the server ends it (the dashboard's live view; a browser opens it with `EventSource`). Frames: first `retry:` (reconnection delay, ms); then `event: ready` with data `{"events": n, "alerts": m}` once the current watermark is read; then `event: change` whenever stored instance states (new events) or alerts change, with data `{"events": n, "alerts": m, "instances": [keys], "truncated": bool}` (`events`/`alerts`: the stores' newest change numbers; `instances`: keys of the instances whose state or alerts changed since the previous message, at most 100; `truncated`: the list is incomplete — refresh everything); a comment (`: heartbeat`) every 15 s. Every `ready`/`change` carries `id: <events>-<alerts>`; a client that reconnects with `Last-Event-ID` from before a change gets a `change` without keys right after `ready`. The stores are read once per `FLOWTRAIL_LIVE_POLL_MS` (default 1000) while any client listens, so writes of every collector sharing the store are seen; this node's own writes are pushed at once. Elasticsearch is near-real-time (~1 s).
         */
        get: {
            parameters: {
                query?: {
                    /** @description The API key, for clients that cannot send headers (`EventSource`). Accepted on this route only; prefer `authorization` or `x-api-key` where possible. */
                    apiKey?: string;
                };
                header?: {
                    /** @description The id of the last event seen (sent by `EventSource` when it reconnects). */
                    "Last-Event-ID"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The event stream (`connection: close`; it ends when the server stops). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example retry: 2000
                         *     : flowtrail live
                         *
                         *     event: ready
                         *     id: 41-7
                         *     data: {"events":41,"alerts":7}
                         *
                         *     event: change
                         *     id: 42-7
                         *     data: {"events":42,"alerts":7,"instances":["shop/order/o-1"],"truncated":false}
                         */
                        "text/event-stream": string;
                    };
                };
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/live/watermark": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The stores' current change numbers (the live channel's watermark)
         * @description Read from the stores now. A client that renders a view and opens `/api/live` afterwards reads this first and compares it with the stream's `ready`: a difference means something changed between the two (the dashboard then refreshes the view). Same numbers as `ready` and `change` events carry.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The watermark. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LiveWatermark"];
                    };
                };
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest CloudEvents (structured, batch or binary mode)
         * @description Batch (`application/cloudevents-batch+json`, a JSON array), structured (`application/cloudevents+json`, or `application/json` without `ce-*` headers) or binary (`ce-specversion` header; attributes in `ce-*` headers). Answers after the store acknowledged the events.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/cloudevents+json": components["schemas"]["Event"];
                    "application/cloudevents-batch+json": components["schemas"]["Event"][];
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Stored events counted; permanently rejected ones listed (dead-lettered). */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestOutcome"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                408: components["responses"]["Timeout"];
                413: components["responses"]["TooLarge"];
                415: components["responses"]["UnsupportedMediaType"];
                503: components["responses"]["Unavailable"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search instances (filters, sort, facets, pagination) */
        get: {
            parameters: {
                query?: {
                    /** @description Free text (all words must match). */
                    q?: string;
                    process?: string;
                    /** @description A folded status, or an alert-derived one (`stuck`, `inconsistent`; needs alerts). */
                    status?: "running" | "waiting" | "completed" | "failed" | "cancelled" | "stuck" | "inconsistent";
                    /** @description A business-key value, or `name=value`. */
                    businessKey?: string;
                    /** @description Exact instance id. */
                    instance?: string;
                    system?: string;
                    owner?: string;
                    step?: string;
                    timeFrom?: string;
                    timeTo?: string;
                    sort?: "lastEventAt" | "startedAt" | "durationMs";
                    order?: "asc" | "desc";
                    /** @description Also count the filtered set by status, process, system and owner. */
                    facets?: boolean;
                    from?: number;
                    size?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of instance states. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            total: number;
                            instances: components["schemas"]["InstanceState"][];
                            facets?: components["schemas"]["InstanceFacets"];
                            /** @description The alert-derived status matched more instances than one filter holds. */
                            capped?: boolean;
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instances/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One instance's current state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Instance key `source/process/instance`, URI-encoded as one segment. */
                    key: components["parameters"]["Key"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The state. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["InstanceState"];
                    };
                };
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instances/{key}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The instance's events, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Instance key `source/process/instance`, URI-encoded as one segment. */
                    key: components["parameters"]["Key"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The events. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: components["schemas"]["Event"][];
                        };
                    };
                };
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instances/{key}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * End-to-end timeline of the instance, its parent, children and siblings
         * @description `buildTimeline` (docs/views.md) over the instance and its family across systems, their events and the alerts about or involving any of them. Times are ISO UTC.
         */
        get: {
            parameters: {
                query?: {
                    /** @description The instant open elements extend to (default the server's clock). */
                    now?: string;
                };
                header?: never;
                path: {
                    /** @description Instance key `source/process/instance`, URI-encoded as one segment. */
                    key: components["parameters"]["Key"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The timeline. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Timeline"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/instances/{key}/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The instance's state as of an instant (time slider) */
        get: {
            parameters: {
                query: {
                    asOf: string;
                };
                header?: never;
                path: {
                    /** @description Instance key `source/process/instance`, URI-encoded as one segment. */
                    key: components["parameters"]["Key"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The state folded from the events at or before `asOf` (`null` before the first one). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            key: string;
                            /** Format: date-time */
                            asOf: string;
                            state: components["schemas"]["InstanceState"] | null;
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/processes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Process names with their instance counts (most first, at most 100) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The processes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description All stored instances. */
                            total: number;
                            processes: {
                                process: string;
                                instances: number;
                            }[];
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/processes/{process}/heatmap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Step durations by hour of day or weekday, and the bottlenecks */
        get: {
            parameters: {
                query?: {
                    dimension?: "hour" | "weekday";
                    /** @description UTC offset in minutes. */
                    tz?: number;
                };
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The heat map. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Heatmap"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/processes/{process}/graph": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Directly-follows graph of the process with duration statistics */
        get: {
            parameters: {
                query?: {
                    mode?: "auto" | "complete" | "interval";
                };
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The graph. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProcessGraph"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ownership": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Owners and teams × open, waiting and stuck instances */
        get: {
            parameters: {
                query?: {
                    /** @description Owner → team mapping, `owner=team` pairs separated by commas. */
                    teams?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The matrix over the non-terminal instances (at most 10,000; `capped` beyond). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ownership"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the event log as XES or OCEL (streamed download) */
        get: {
            parameters: {
                query: {
                    format: "xes" | "ocel";
                    process?: string;
                    source?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The log, as an attachment. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/xml": string;
                        "application/json": Record<string, never>;
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search alerts, most recently seen first */
        get: {
            parameters: {
                query?: {
                    /** @description Comma-separated statuses. */
                    status?: string;
                    /** @description Comma-separated finding kinds. */
                    kind?: string;
                    process?: string;
                    owner?: string;
                    /** @description An instance key; also matches alerts it is involved in. */
                    instance?: string;
                    from?: number;
                    size?: number;
                    /** @description `true`: each alert comes with its `history` (as `GET /api/alerts/{id}` has it), so a list of alerts and their histories is one request. */
                    history?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of alerts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            total: number;
                            alerts: components["schemas"]["AlertListItem"][];
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert with its details and history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Alert id, URI-encoded as one segment. */
                    id: components["parameters"]["AlertId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The alert. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertDetail"];
                    };
                };
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge or silence an alert */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Alert id, URI-encoded as one segment. */
                    id: components["parameters"]["AlertId"];
                    action: "acknowledge" | "silence";
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        by?: string;
                    } | {
                        /** Format: date-time */
                        until?: string;
                        /** @example 2h */
                        for?: string;
                        by?: string;
                    };
                };
            };
            responses: {
                /** @description The alert after the action. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertDetail"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                404: components["responses"]["NotFound"];
                408: components["responses"]["Timeout"];
                409: components["responses"]["Conflict"];
                503: components["responses"]["Unavailable"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/definitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Process definitions (latest version of each; `all=true` every version) */
        get: {
            parameters: {
                query?: {
                    all?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The definitions. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            definitions: components["schemas"]["Definition"][];
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/definitions/{process}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One process definition (latest, or `version`) */
        get: {
            parameters: {
                query?: {
                    version?: number;
                };
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The definition. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Definition"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        /** Store and apply a process definition (versions are immutable) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/yaml": components["schemas"]["DefinitionDocument"];
                    "application/json": components["schemas"]["DefinitionDocument"];
                };
            };
            responses: {
                /** @description The same version with the same content was stored already. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Definition"];
                    };
                };
                /** @description Stored and applied. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Definition"];
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                408: components["responses"]["Timeout"];
                409: components["responses"]["Conflict"];
                413: components["responses"]["TooLarge"];
                415: components["responses"]["UnsupportedMediaType"];
                503: components["responses"]["Unavailable"];
            };
        };
        post?: never;
        /** Delete every stored version of a process definition (files stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed and applied at once (other collectors at their next reload). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                503: components["responses"]["Unavailable"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/definitions/{process}/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete one stored version of a process definition (not one defined in a file) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Process name, URI-encoded. */
                    process: components["parameters"]["Process"];
                    version: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed and applied at once (other collectors at their next reload). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                404: components["responses"]["NotFound"];
                409: components["responses"]["Conflict"];
                503: components["responses"]["Unavailable"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Long-poll the commands for a system (HTTP transport) */
        get: {
            parameters: {
                query: {
                    system: string;
                    /** @description Seconds to wait. */
                    wait?: number;
                    max?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The leased commands (possibly none). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            commands: components["schemas"]["Command"][];
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                404: components["responses"]["NotFound"];
                503: components["responses"]["Unavailable"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/commands/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge delivered commands */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        ids: string[];
                    };
                };
            };
            responses: {
                /** @description How many of the ids this node held unacknowledged when the ack arrived (unknown and already acknowledged ids are not counted; in Kafka mode the ack also reaches every other collector through the acks topic). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acked: number;
                        };
                    };
                };
                400: components["responses"]["BadRequest"];
                401: components["responses"]["Unauthorized"];
                403: components["responses"]["Forbidden"];
                404: components["responses"]["NotFound"];
                408: components["responses"]["Timeout"];
                503: components["responses"]["Unavailable"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        LiveWatermark: {
            /** @description newest change number of the instance states */
            events: number;
            /** @description newest change number of the alerts */
            alerts: number;
        };
        Error: {
            error: string;
            retriable: boolean;
            problems?: string[];
        };
        /** @description A Flowtrail CloudEvent (docs/events.md). */
        Event: {
            /** @enum {string} */
            specversion: "1.0";
            id: string;
            source: string;
            type: string;
            /** Format: date-time */
            time: string;
            ftprocess: string;
            ftinstance: string;
            ftstep?: string;
            ftowner?: string;
            ftcausation?: string;
            /** @description W3C trace context of the emitting span. */
            traceparent?: string;
            tracestate?: string;
            datacontenttype?: string;
            dataschema?: string;
            subject?: string;
            data?: {
                [key: string]: unknown;
            };
        };
        IngestOutcome: {
            accepted: number;
            rejected: {
                index: number;
                id?: string;
                /** @enum {string} */
                reason: "not-json" | "too-deep" | "invalid-unicode" | "schema-violation" | "unsupported-specversion" | "oversized" | "storage-rejected" | "conflicting-duplicate";
                errors?: string[];
            }[];
        };
        /** @enum {string} */
        InstanceStatus: "running" | "waiting" | "completed" | "failed" | "cancelled";
        InstanceState: {
            key: string;
            source: string;
            process: string;
            instance: string;
            status: components["schemas"]["InstanceStatus"];
            eventCount: number;
            /** Format: date-time */
            firstEventAt: string;
            /** Format: date-time */
            lastEventAt: string;
            lastEventType: string;
            /** Format: date-time */
            startedAt?: string;
            /** Format: date-time */
            endedAt?: string;
            durationMs?: number;
            businessKeys: {
                [key: string]: string;
            };
            owner?: string;
            steps: {
                name: string;
                /** @enum {string} */
                status: "running" | "waiting" | "completed" | "failed";
                owner?: string;
                startedAt?: string;
                endedAt?: string;
                durationMs?: number;
                attempts: number;
                waitingFor?: string;
                waitingSince?: string;
                deadline?: string;
                error?: components["schemas"]["FailureInfo"];
            }[];
            currentSteps: string[];
            waits: {
                step: string;
                for?: string;
                since: string;
                deadline?: string;
            }[];
            expectations: {
                id: string;
                system: string;
                process: string;
                registeredAt: string;
                deadline?: string;
                fulfilledAt?: string;
                /** @enum {string} */
                status: "open" | "fulfilled";
            }[];
            parent?: {
                source: string;
                process: string;
                instance: string;
                expectationId?: string;
            };
            /**
             * Format: date-time
             * @description The instance's own deadline (`data.deadline` of `process.started`).
             */
            deadline?: string;
            /**
             * Format: date-time
             * @description Earliest deadline among open waits, open expectations and current steps; omitted when there is none or the instance is terminal.
             */
            nextDeadline?: string;
            /** @description Own source, message peers, expected systems and parent source; sorted. */
            systems: string[];
            messages: {
                sent: number;
                received: number;
                sentIds: string[];
                receivedIds: string[];
            };
            /** @description `expectation.fulfilled` ids that match no registration (omitted when none). */
            unmatchedFulfilments?: string[];
            error?: components["schemas"]["FailureInfo"];
            /** @description Distinct W3C trace ids from `traceparent`, sorted. */
            traceIds: string[];
            /** @description Counts of custom (non-`flowtrail.*`) events by type. */
            custom: {
                [key: string]: number;
            };
        };
        /** @description A failure reported by a `*.failed` event (`data.error`), with where and when. */
        FailureInfo: {
            message: string;
            code?: string;
            /**
             * Format: date-time
             * @description Time of the failing event.
             */
            at: string;
            /** @description The failed step; absent for a process failure. */
            step?: string;
        };
        FacetCounts: {
            value: string;
            count: number;
        }[];
        InstanceFacets: {
            status: components["schemas"]["FacetCounts"];
            process: components["schemas"]["FacetCounts"];
            system: components["schemas"]["FacetCounts"];
            owner: components["schemas"]["FacetCounts"];
        };
        Timeline: {
            rootKey: string;
            /** Format: date-time */
            start: string;
            /** Format: date-time */
            end: string;
            /** @description The instances in view, the root first. */
            instances: components["schemas"]["InstanceState"][];
            lanes: {
                system: string;
                instances: string[];
            }[];
            bars: {
                lane: string;
                instanceKey: string;
                step: string;
                owner?: string;
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end?: string;
                open: boolean;
                /** @enum {string} */
                status: "running" | "waiting" | "completed" | "failed" | "abandoned";
                attempt: number;
                /** @description On the critical path — what the instance's end waited on. */
                critical?: boolean;
            }[];
            waits: {
                lane: string;
                instanceKey: string;
                step: string;
                for?: string;
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end?: string;
                /** Format: date-time */
                deadline?: string;
            }[];
            gaps: {
                lane: string;
                instanceKey: string;
                /** Format: date-time */
                start: string;
                /** Format: date-time */
                end: string;
            }[];
            arrows: {
                messageId: string;
                from?: components["schemas"]["ArrowEnd"];
                to?: components["schemas"]["ArrowEnd"];
                toSystem?: string;
                /** @description The resend command this message answered (`data.attributes.resendFor`). */
                resendFor?: string;
                /** @description Received minus sent (both ends in view), ms. */
                transitMs?: number;
                /** @description On the critical path — what the instance's end waited on. */
                critical?: boolean;
            }[];
            links: {
                parent: string;
                child: string;
                expectationId?: string;
            }[];
            markers: {
                lane: string;
                instanceKey: string;
                /** Format: date-time */
                time: string;
                /** @enum {string} */
                kind: "finding" | "action" | "alert-resolved";
                alertId: string;
                summary: string;
            }[];
        };
        ArrowEnd: {
            lane: string;
            /** Format: date-time */
            time: string;
            instanceKey: string;
        };
        ProcessGraph: {
            process: string;
            /** @enum {string} */
            mode: "complete" | "interval";
            instances: number;
            nodes: {
                step: string;
                count: number;
            }[];
            edges: {
                from: string;
                to: string;
                count: number;
                samples: number;
                meanMs?: number;
                medianMs?: number;
                p95Ms?: number;
            }[];
            startSteps: {
                [key: string]: number;
            };
            endSteps: {
                [key: string]: number;
            };
        };
        OwnershipCell: {
            count: number;
            keys: string[];
        };
        OwnershipRow: {
            name: string;
            open: components["schemas"]["OwnershipCell"];
            waiting: components["schemas"]["OwnershipCell"];
            stuck: components["schemas"]["OwnershipCell"];
            /** @description Team rows only, the owners in the team. */
            owners?: string[];
        };
        Ownership: {
            owners: components["schemas"]["OwnershipRow"][];
            teams: components["schemas"]["OwnershipRow"][];
            /** @description Open instances counted. */
            instances: number;
            capped: boolean;
        };
        Heatmap: {
            /** @enum {string} */
            dimension: "hour" | "weekday";
            steps: string[];
            buckets: number[];
            cells: {
                step: string;
                bucket: number;
                count: number;
                medianMs?: number;
                p95Ms?: number;
                medianWaitingMs?: number;
            }[];
            bottlenecks: {
                step: string;
                count: number;
                medianMs?: number;
                p95Ms?: number;
                totalMs: number;
            }[];
        };
        /** @enum {string} */
        AlertStatus: "pending" | "firing" | "acknowledged" | "silenced" | "resolved";
        AlertView: {
            id: string;
            /** @enum {string} */
            kind: "stuck" | "missing-subprocess" | "lost-completion" | "orphan" | "duplicate" | "divergence" | "nonconformance";
            status: components["schemas"]["AlertStatus"];
            source: string;
            process: string;
            instance: string;
            step: string | null;
            owner: string | null;
            /** Format: date-time */
            since: string;
            summary: string;
            group: string;
            relatedKeys: string[];
            /** Format: date-time */
            firstSeenAt: string;
            /** Format: date-time */
            lastSeenAt: string;
            resolvedAt: string | null;
            acknowledgedBy: string | null;
            acknowledgedAt: string | null;
            silencedUntil: string | null;
            silencedBy: string | null;
        };
        /** @description An alert in a list; with `history=true` also its history. */
        AlertListItem: components["schemas"]["AlertView"] & {
            history?: components["schemas"]["AlertHistoryEntry"][];
        };
        AlertDetail: components["schemas"]["AlertView"] & {
            details: {
                [key: string]: unknown;
            };
            history: components["schemas"]["AlertHistoryEntry"][];
        };
        AlertHistoryEntry: {
            /** Format: date-time */
            at: string;
            status: components["schemas"]["AlertStatus"];
            note?: string;
        };
        /** @description A process definition as written (docs/definitions.md). Durations are ISO-8601 (`PT5M`, `P1DT2H`) or short (`30s`, `5m`, `2h`, `1d`, `1h30m`). */
        DefinitionDocument: {
            process: string;
            version: number;
            description?: string;
            owner?: string;
            /** @description The source systems whose instances the definition applies to; absent = every system's (docs/definitions.md). */
            sources?: string[];
            /** @description Deadline of the whole instance, from its `process.started` (a duration). */
            deadline?: string;
            steps: {
                name: string;
                description?: string;
                owner?: string;
                /** @description Deadline of one attempt, from its `step.started` (a duration). */
                deadline?: string;
                /** @description Deadline of a wait inside the step, from its `step.waiting`. */
                waitDeadline?: string;
                /** @description Steps allowed to follow; absent = any, `[]` = none (a last step). */
                next?: string[];
            }[];
            /** @description Steps allowed to come first; absent = any. */
            start?: string[];
            expectations?: {
                system: string;
                process: string;
                /** @description From the `expectation.registered` event (a duration). */
                deadline: string;
            }[];
            escalation?: {
                /** @enum {string} */
                action: "re-trigger" | "notify-owner" | "escalate" | "compensate" | "fail";
                /** @description Delay after the finding began (a duration). */
                after: string;
                /** @description Team to escalate to (`escalate`). */
                to?: string;
            }[];
        };
        Definition: components["schemas"]["DefinitionDocument"] & {
            /** @description The file or store it came from. */
            origin: string;
        };
        /** @description A resend command (docs/commands.md). */
        Command: {
            /** @enum {string} */
            specversion: "1.0";
            id: string;
            source: string;
            type: string;
            /** Format: date-time */
            time: string;
            fttarget: string;
            ftprocess: string;
            ftinstance: string;
            data: {
                reason: string;
                what: string;
                findingId: string;
                attempt: number;
            };
        };
    };
    responses: {
        /** @description Invalid parameters or body; `problems` lists every problem. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description API key missing or wrong. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unknown route, instance, process, alert or definition. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The action does not apply, or the definition version is defined differently, lower than the process's highest, or defined in a file (delete). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A cross-site write (foreign or `null` Origin, `Sec-Fetch-Site: cross-site`) or a Host outside the allowlist of a loopback-bound API (docs/security.md). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body did not arrive within `FLOWTRAIL_HTTP_BODY_TIMEOUT_MS`; retriable. */
        Timeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Body over the limit, or a batch over `FLOWTRAIL_HTTP_MAX_EVENTS_PER_REQUEST` events. */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A content type the route does not read. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The store (or a feature) is unavailable; `retriable` says whether to retry. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description Instance key `source/process/instance`, URI-encoded as one segment. */
        Key: string;
        /** @description Process name, URI-encoded. */
        Process: string;
        /** @description Alert id, URI-encoded as one segment. */
        AlertId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
