"""四步议事: matters taken through the four steps in order, with the step-3 vote and the 公示."""
