package dev.switchboard.war.wildfly;

import dev.switchboard.protocol.JsonStrings;
import jakarta.annotation.Resource;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application side of {@link JmsBridgeIT}, inside WildFly beside Switchboard: it uses the
 * container's default JMS connection factory and the queues of the archive's {@code
 * WEB-INF/switchboard-jms.xml}, found by their JNDI names, as an application of the container
 * would. {@code POST /jms-probe?channel=C&text=T} sends a text message with the string property
 * {@code channel}; {@code GET /jms-probe?selector=S} receives one message of the sink's queue that
 * the selector picks (waiting up to 30 s) and answers its body and Switchboard's properties as
 * JSON, or 204 when none came.
 */
@WebServlet("/jms-probe")
public class JmsProbeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final long RECEIVE_MS = 30_000;

  @Resource private transient ConnectionFactory factory;

  @Resource(lookup = "java:/jms/queue/switchboard-in")
  private transient Queue in;

  @Resource(lookup = "java:/jms/queue/switchboard-out")
  private transient Queue out;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    try (JMSContext jms = factory.createContext()) {
      TextMessage m = jms.createTextMessage(req.getParameter("text"));
      m.setStringProperty("channel", req.getParameter("channel"));
      jms.createProducer().send(in, m);
      resp.setContentType("text/plain;charset=UTF-8");
      resp.getWriter().write(m.getJMSMessageID());
    } catch (JMSException e) {
      throw new IOException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    try (JMSContext jms = factory.createContext();
        JMSConsumer consumer = jms.createConsumer(out, req.getParameter("selector"))) {
      Message m = consumer.receive(RECEIVE_MS);
      if (m == null) {
        resp.setStatus(204);
        return;
      }
      resp.setContentType("application/json;charset=UTF-8");
      resp.getWriter()
          .write(
              "{\"type\":"
                  + JsonStrings.quote(m instanceof TextMessage ? "text" : "other")
                  + ",\"body\":"
                  + JsonStrings.quote(m.getBody(String.class))
                  + ",\"channel\":"
                  + JsonStrings.quote(m.getStringProperty("switchboard_channel"))
                  + ",\"offset\":"
                  + m.getLongProperty("switchboard_offset")
                  + ",\"epoch\":"
                  + JsonStrings.quote(m.getStringProperty("switchboard_epoch"))
                  + "}");
    } catch (JMSException e) {
      throw new IOException(e);
    }
  }
}
