package dev.switchboard.examples.orders;

/** The body of {@code POST /api/orders}: {@code {"item":"tea","quantity":2}}. */
public class OrderRequest {
  private String item;
  private int quantity;

  public String getItem() {
    return item;
  }

  public void setItem(String item) {
    this.item = item;
  }

  public int getQuantity() {
    return quantity;
  }

  public void setQuantity(int quantity) {
    this.quantity = quantity;
  }
}
