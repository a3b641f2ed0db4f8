package dev.switchboard.engine.redis;

/**
 * The Lua scripts that make each step on Redis atomic. Redis runs a script alone, so assigning an
 * offset, appending to the stream and publishing happen as one step: offsets have no gaps across
 * nodes, and a publication is in the history before any node can receive it.
 *
 * <p>Keys per channel {@code c}, under the configured prefix {@code P}: {@code P m:c} the position
 * (hash: {@code e} epoch, {@code o} last offset, {@code t} history TTL in ms, {@code r} the fencing
 * replication ID), {@code P s:c} the history (a stream whose entry ids are {@code <offset>-0},
 * fields {@code d} the kind byte and payload, {@code t} the publish time in ms, {@code c} the trace
 * text when there is one), {@code P c:c} the Pub/Sub channel, {@code P i:c|key} an idempotency key.
 *
 * <p>Epoch fencing: the position also keeps {@code r}, the replication ID ({@code master_replid})
 * of the Redis that assigned its offsets. A Redis gets a new one when a failover promotes it and on
 * every start, exactly the moments when it may lack the last offsets it (or its old primary) handed
 * out; a position whose {@code r} is not the running Redis' own is moved to a new epoch before any
 * offset is assigned, so no offset is ever handed out twice under one epoch. Costs one {@code INFO
 * replication} per script call (about 3 µs of Redis CPU).
 *
 * <p>Time comes from the publishing node ({@code now}), so entries expire by the nodes' clocks;
 * keys also carry Redis expiries so that abandoned channels free themselves.
 *
 * <p>They are run through {@link ScriptCalls}, which keeps their order when Redis forgot them.
 */
final class Scripts {
  private Scripts() {}

  /**
   * Frees history entries older than the cutoff. Entries are contiguous by offset (the stream is
   * only ever trimmed from its head) and ordered by time, so a binary search over offsets finds the
   * first one to keep in O(log n) reads.
   */
  private static final String TRIM =
      """
      local function entry_time(e) return tonumber(e[2][4]) end
      local function entry_offset(e) return tonumber(string.match(e[1], '^(%d+)')) end
      local function trim(stream, cutoff)
        local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
        if #head == 0 or entry_time(head[1]) >= cutoff then return end
        local tail = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
        if entry_time(tail[1]) < cutoff then
          redis.call('DEL', stream)
          return
        end
        local lo, hi = entry_offset(head[1]), entry_offset(tail[1])
        while hi - lo > 1 do
          local mid = math.floor((lo + hi) / 2)
          local e = redis.call('XRANGE', stream, mid .. '-0', mid .. '-0')
          if entry_time(e[1]) < cutoff then lo = mid else hi = mid end
        end
        redis.call('XTRIM', stream, 'MINID', hi .. '-0')
      end
      local function primary()
        local info = redis.call('INFO', 'replication')
        return string.match(info, 'master_replid:(%x+)') or ''
      end
      local function position(meta, stream, new_epoch, meta_ttl)
        local kept = redis.call('HMGET', meta, 'e', 'r')
        local epoch, here = kept[1], primary()
        if not epoch then
          -- No position: never published, forgotten, or lost with Redis. A new epoch tells
          -- recovering clients that what they saw before is gone.
          epoch = new_epoch
          redis.call('DEL', stream)
          redis.call('HSET', meta, 'e', epoch, 'o', 0, 'r', here)
          redis.call('PEXPIRE', meta, meta_ttl)
        elseif kept[2] ~= here then
          -- Another Redis assigned these offsets: a replica promoted by a failover, or this one
          -- before a restart. Either may lack the last of them, which would be handed out again:
          -- a new epoch tells recovering clients. What it has is kept.
          epoch = new_epoch
          redis.call('HSET', meta, 'e', epoch, 'r', here)
        end
        return epoch
      end
      """;

  /**
   * Publish. KEYS: meta, stream, pubsub channel, idempotency key (or an empty string, or nothing:
   * on a cluster an empty key would be in another slot). ARGV: kind byte, payload, history size,
   * history ttl ms, meta ttl ms, now ms, a fresh epoch, idempotency window ms, the trace text
   * (empty for none). Returns {repeated (0/1), offset, epoch}.
   */
  static final String PUBLISH =
      TRIM
          + """
          local meta, stream, chan, idem = KEYS[1], KEYS[2], KEYS[3], KEYS[4] or ''
          local kind, body = ARGV[1], ARGV[2]
          local size, ttl, meta_ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
          local now, new_epoch, window = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8])
          local trace = ARGV[9] or ''
          if idem ~= '' then
            local prev = redis.call('GET', idem)
            if prev then
              local off, ep, expires = string.match(prev, '^(%d+) (%S*) (%d+)$')
              if tonumber(expires) > now then return {1, tonumber(off), ep} end
            end
          end
          local offset, epoch = 0, ''
          if size > 0 then
            epoch = position(meta, stream, new_epoch, meta_ttl)
            offset = redis.call('HINCRBY', meta, 'o', 1)
            redis.call('HSET', meta, 't', ttl)
            redis.call('PEXPIRE', meta, meta_ttl)
            local id = offset .. '-0'
            if trace == '' then
              redis.call('XADD', stream, 'MAXLEN', size, id, 'd', kind .. body, 't', now)
            else
              redis.call('XADD', stream, 'MAXLEN', size, id, 'd', kind .. body, 't', now,
                'c', trace)
            end
            trim(stream, now - ttl)
            redis.call('PEXPIRE', stream, ttl)
          end
          if trace == '' then
            redis.call('PUBLISH', chan, kind .. offset .. ' ' .. epoch .. ' ' .. body)
          else
            redis.call('PUBLISH', chan,
              string.upper(kind) .. offset .. ' ' .. epoch .. ' ' .. trace .. '\\n' .. body)
          end
          if idem ~= '' then
            redis.call('SET', idem, offset .. ' ' .. epoch .. ' ' .. (now + window), 'PX', window)
          end
          return {0, offset, epoch}
          """;

  /**
   * {@link #PUBLISH} for a Redis Cluster: SPUBLISH, to the shard that owns the channel's slot (the
   * Pub/Sub channel is KEYS[3], in the same slot as the other keys).
   */
  static final String SPUBLISH =
      PUBLISH.replace("redis.call('PUBLISH', chan,", "redis.call('SPUBLISH', chan,");

  /**
   * History. KEYS: meta, stream. ARGV: now ms, a fresh epoch, meta ttl ms, since offset (-1 for the
   * oldest kept), limit, reverse (0/1). Returns {epoch, offset, ttl, off1, data1, trace1, off2...},
   * ttl the history TTL in ms (0 when no publication with history was made in this epoch), each
   * trace the entry's trace text or an empty string.
   */
  static final String HISTORY =
      TRIM
          + """
          local meta, stream = KEYS[1], KEYS[2]
          local now, new_epoch, meta_ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
          local since, limit, reverse = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
          local epoch = position(meta, stream, new_epoch, meta_ttl)
          local offset = tonumber(redis.call('HGET', meta, 'o'))
          local ttl = tonumber(redis.call('HGET', meta, 't') or '0')
          if ttl > 0 then trim(stream, now - ttl) end
          local out = {epoch, offset, ttl}
          if limit > 0 then
            local from = '-'
            if since >= 0 then from = (since + 1) .. '-0' end
            local entries
            if reverse then
              entries = redis.call('XREVRANGE', stream, '+', from, 'COUNT', limit)
            else
              entries = redis.call('XRANGE', stream, from, '+', 'COUNT', limit)
            end
            for _, e in ipairs(entries) do
              out[#out + 1] = entry_offset(e)
              out[#out + 1] = e[2][2]
              out[#out + 1] = e[2][6] or ''
            end
          end
          return out
          """;
}
