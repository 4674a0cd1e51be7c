package io.dpsemu.server.netty;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks every MQTT fixed header as the bytes arrive, before the decoder buffers anything: the
 * first packet must be CONNECT, packet types only a server sends are refused, sizes are capped (a
 * few KB before CONNECT, the DPS message limit after), and fixed-size packets must have their size.
 * Bytes pass through unchanged; on a violation the connection is closed and nothing more is read.
 */
public final class MqttFrameGuard extends ChannelInboundHandlerAdapter {

    private static final int CONNECT = 1;

    private final int maxFirstPacketBytes;
    private final int maxPacketBytes;
    private final Disconnector disconnector;

    private boolean firstPacket = true;
    private boolean failed;
    private int packetType = -1;
    private int lengthBytes;
    private int multiplier = 1;
    private long remainingLength;
    private long bodyLeft;

    public MqttFrameGuard(int maxFirstPacketBytes, int maxPacketBytes, Disconnector disconnector) {
        this.maxFirstPacketBytes = maxFirstPacketBytes;
        this.maxPacketBytes = maxPacketBytes;
        this.disconnector = disconnector;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            Violation violation = scan(buf);
            if (violation != null) {
                failed = true;
                buf.release();
                disconnector.close(ctx.channel(), violation.reason(), violation.detail());
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Walks the buffer's bytes without consuming them; returns a violation or null. */
    private Violation scan(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        while (index < end) {
            if (bodyLeft > 0) {
                long skip = Math.min(bodyLeft, end - index);
                bodyLeft -= skip;
                index += (int) skip;
                continue;
            }
            int b = buf.getUnsignedByte(index++);
            if (packetType < 0) {
                packetType = b >>> 4;
                Violation violation = checkType(packetType, b & 0x0f);
                if (violation != null) {
                    return violation;
                }
                continue;
            }
            remainingLength += (long) (b & 0x7f) * multiplier;
            multiplier *= 128;
            lengthBytes++;
            if ((b & 0x80) != 0) {
                if (lengthBytes == 4) {
                    return malformed("remaining length longer than 4 bytes");
                }
                continue;
            }
            Violation violation = checkLength(packetType, remainingLength);
            if (violation != null) {
                return violation;
            }
            bodyLeft = remainingLength;
            firstPacket = false;
            packetType = -1;
            lengthBytes = 0;
            multiplier = 1;
            remainingLength = 0;
        }
        return null;
    }

    private Violation checkType(int type, int flags) {
        if (firstPacket && type != CONNECT) {
            return new Violation(CloseReason.NO_CONNECT, "first packet must be CONNECT, got type " + type);
        }
        return switch (type) {
            case 0, 15 -> malformed("reserved packet type " + type);
            case 2, 9, 11, 13 -> new Violation(CloseReason.FORBIDDEN_PACKET,
                    "packet type " + type + " is sent only by servers");
            // SUBSCRIBE, UNSUBSCRIBE and PUBREL must carry flags 0010 (MQTT 3.1.1 §2.2.2)
            case 6, 8, 10 -> flags == 0x2 ? null : malformed("packet type " + type + " with flags " + flags);
            case 3 -> checkPublishFlags(flags);
            default -> flags == 0 ? null : malformed("packet type " + type + " with flags " + flags);
        };
    }

    private Violation checkLength(int type, long length) {
        long limit = firstPacket ? maxFirstPacketBytes : maxPacketBytes;
        if (length > limit) {
            return new Violation(CloseReason.TOO_LARGE, "packet of " + length + " bytes, more than the limit of "
                    + limit);
        }
        return switch (type) {
            case 12, 14 -> length == 0 ? null : malformed("packet type " + type + " must be empty");
            case 4, 5, 6, 7 -> length == 2 ? null : malformed("packet type " + type + " must have 2 bytes");
            default -> null;
        };
    }

    /** QoS 3 does not exist, and DUP is meaningless (and forbidden) at QoS 0 [MQTT-3.3.1-2, -4]. */
    private static Violation checkPublishFlags(int flags) {
        int qos = (flags >> 1) & 0x3;
        boolean dup = (flags & 0x8) != 0;
        if (qos == 3) {
            return malformed("PUBLISH with QoS 3");
        }
        return qos == 0 && dup ? malformed("PUBLISH with DUP set at QoS 0") : null;
    }

    private static Violation malformed(String detail) {
        return new Violation(CloseReason.MALFORMED, detail);
    }

    private record Violation(CloseReason reason, String detail) {
    }
}
