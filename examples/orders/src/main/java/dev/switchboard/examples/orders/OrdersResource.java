package dev.switchboard.examples.orders;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.Map;

/**
 * {@code POST /api/orders} places an order ({@code ?fail=true} makes its transaction roll back);
 * {@code GET /api/orders/{id}} reads one.
 */
@Path("orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrdersResource {
  @Inject OrderService orders;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response place(
      OrderRequest request, @QueryParam("fail") @DefaultValue("false") boolean fail) {
    if (request == null || request.getItem() == null || request.getItem().isBlank()) {
      return Response.status(Response.Status.BAD_REQUEST)
          .entity(Map.of("error", "item is required"))
          .build();
    }
    try {
      OrderView order = orders.place(request.getItem(), request.getQuantity(), fail);
      return Response.created(
              UriBuilder.fromResource(OrdersResource.class)
                  .path(String.valueOf(order.id()))
                  .build())
          .entity(order)
          .build();
    } catch (OrderRejected e) {
      return Response.status(422).entity(Map.of("error", e.getMessage())).build();
    }
  }

  @GET
  @Path("{id}")
  public Response get(@PathParam("id") long id) {
    return orders
        .find(id)
        .map(o -> Response.ok(o).build())
        .orElseGet(
            () ->
                Response.status(Response.Status.NOT_FOUND)
                    .entity(Map.of("error", "no order " + id))
                    .build());
  }
}
